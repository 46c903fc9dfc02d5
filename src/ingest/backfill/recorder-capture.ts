// The backfiller's capture step is the listener's: every page goes through the shared Recorder and
// deciders, so a message seen by both is stored once. Deletions a page proves are recorded as
// MessageDeleted matched by 'verify'; the counts come from what was actually written.
import {
  type MessageObservation,
  type Observation,
  type ObservationMeta,
  privateChatOf,
} from '../../events/observations.ts';
import type { Recorder } from '../recorder.ts';
import type { CaptureCounts, CaptureInput, PageCapture } from './ports.ts';

export function recorderCapture(
  recorder: Pick<Recorder, 'record'>,
  now: () => Date = () => new Date(),
): PageCapture<MessageObservation, Observation> {
  return {
    async capture(input: CaptureInput<MessageObservation, Observation>): Promise<CaptureCounts> {
      const observations: Observation[] = [];
      // Chats, users and migrations that came with the page; "changed, fetch it" hints are for the listener.
      for (const entity of input.entities) {
        if (entity.kind === 'chatChanged') continue;
        observations.push(entity);
        // A private chat is known only through its user: record the chat as the listener does.
        if (entity.kind === 'user' && input.chat.kind === 'user' && entity.userId === input.chat.id)
          observations.push(privateChatOf(entity));
      }
      observations.push(...input.messages);
      if (input.deletedIds.length > 0) {
        const meta: ObservationMeta = { source: 'backfill', observedAt: now().toISOString() };
        observations.push({
          kind: 'deletion',
          chat: input.chat,
          messageIds: input.deletedIds,
          matchedBy: 'verify',
          meta,
        });
      }
      const { written } = await recorder.record(observations);
      return {
        created: written.MessageCreated ?? 0,
        edited: written.MessageEdited ?? 0,
        deleted: written.MessageDeleted ?? 0,
      };
    },
  };
}
