// Loader keys for per-message facts that depend on the moment viewed: `<pk>` for now, `<pk>@<ms>`
// for "as of" that instant. One loader then batches both kinds without mixing them up.

export const momentKey = (pk: number, asOf?: Date): string =>
  asOf === undefined ? String(pk) : `${pk}@${asOf.getTime()}`;

export interface MomentGroups {
  readonly current: number[];
  /** asOf millis -> message pks */
  readonly past: Map<number, number[]>;
}

export function groupMomentKeys(keys: readonly string[]): MomentGroups {
  const current: number[] = [];
  const past = new Map<number, number[]>();
  for (const key of keys) {
    const at = key.indexOf('@');
    if (at < 0) {
      current.push(Number(key));
      continue;
    }
    const ms = Number(key.slice(at + 1));
    const pks = past.get(ms) ?? [];
    pks.push(Number(key.slice(0, at)));
    past.set(ms, pks);
  }
  return { current, past };
}
