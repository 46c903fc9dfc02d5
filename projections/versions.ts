// The projections that make up a read-model copy and their versions. Bump a version whenever its
// handlers or tables change what a rebuild would produce: `projections run` then notices that the
// active copy is outdated, rebuilds a new copy from the log and switches readers to it.
export const PROJECTIONS = {
  /** accounts, chats, users, user_names, backfill_runs, unresolved_deletions */
  chats: 1,
  /** messages, message_versions, reactions, reaction_snapshots, pins, media, message_media */
  messages: 1,
  /** the full-text index (message_fts on SQLite, message_search on PostgreSQL) */
  search: 2,
} as const;

export type ProjectionName = keyof typeof PROJECTIONS;

export const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[];

/** Projections whose stored version differs from the code's (or that are missing). */
export function outdatedProjections(stored: ReadonlyMap<string, number>): ProjectionName[] {
  return PROJECTION_NAMES.filter((name) => stored.get(name) !== PROJECTIONS[name]);
}
