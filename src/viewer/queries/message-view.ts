// A message as the viewer shows it: the current row, or the row seen "as of" a past moment with
// the content version that was valid then. Every Message field resolves against this shape.
import type { MessageRow, VersionRow } from './rows.ts';

export interface MessageView {
  readonly row: MessageRow;
  /** Set when the message is viewed as it was at this instant. */
  readonly asOf?: Date;
  /** The content version valid at `asOf` (always set when `asOf` is). */
  readonly version?: VersionRow;
}

export const currentView = (row: MessageRow): MessageView => ({ row });

/** The content shown: the version valid at asOf, or the current row. */
export const contentOf = (view: MessageView): Pick<MessageRow, 'text' | 'entities' | 'media'> =>
  view.version ?? view.row;

/** Deleted at all (current view) or already deleted at asOf. */
export function deletedAt(view: MessageView): Date | undefined {
  const at = view.row.deletedAt ?? undefined;
  if (at === undefined) return undefined;
  return view.asOf === undefined || at.getTime() <= view.asOf.getTime() ? at : undefined;
}
