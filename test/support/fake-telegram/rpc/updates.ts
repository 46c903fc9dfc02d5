// updates.getState, updates.getDifference and updates.getChannelDifference over the world's update
// boxes: slices when more is pending than one answer holds, *TooLong when the client is too far
// behind (thresholds set by the test), and updateChannelTooLong hints for channels whose updates
// reached no client.
import { Api } from 'telegram';
import type { FakeTelegramServer } from '../server.ts';
import { big, dialogObject, messageObject } from '../tl.ts';
import type { BoxEntry, World } from '../world.ts';
import { allEntities, resolveInputChannel } from './peers.ts';

export interface DifferencePolicy {
  /** Most box entries in one updates.getDifference answer; more gives differenceSlice. */
  differenceSliceSize: number;
  /** A client more than this many pts behind gets updates.differenceTooLong. */
  differenceTooLongAfter: number;
  /** A client more than this many pts behind in a channel gets updates.channelDifferenceTooLong. */
  channelDifferenceTooLongAfter: number;
  /** `timeout` the server suggests in channel differences (seconds). */
  channelDifferenceTimeout: number;
}

export const defaultDifferencePolicy = (): DifferencePolicy => ({
  differenceSliceSize: 1000,
  differenceTooLongAfter: Number.POSITIVE_INFINITY,
  channelDifferenceTooLongAfter: Number.POSITIVE_INFINITY,
  channelDifferenceTimeout: 30,
});

/** New messages go to new_messages, everything else to other_updates, as Telegram splits them. */
function split(entries: readonly BoxEntry[]): {
  newMessages: Api.TypeMessage[];
  otherUpdates: Api.TypeUpdate[];
} {
  const newMessages: Api.TypeMessage[] = [];
  const otherUpdates: Api.TypeUpdate[] = [];
  for (const { update } of entries) {
    if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage)
      newMessages.push(update.message);
    else otherUpdates.push(update);
  }
  return { newMessages, otherUpdates };
}

export function installUpdates(server: FakeTelegramServer, world: World, policy: DifferencePolicy): void {
  const state = (pts: number) =>
    new Api.updates.State({ pts, qts: world.qts, date: world.now(), seq: world.seq, unreadCount: 0 });

  server.on('updates.GetState', () => state(world.common.pts));

  server.on('updates.GetDifference', (request: Api.updates.GetDifference) => {
    const pending = world.common.after(request.pts);
    const hints = [...world.channels.values()]
      .filter((channel) => channel.undelivered)
      .map(
        (channel) =>
          new Api.UpdateChannelTooLong({ channelId: big(channel.id), pts: world.channelBox(channel).pts }),
      );
    if (pending.length === 0 && hints.length === 0) {
      return new Api.updates.DifferenceEmpty({ date: world.now(), seq: world.seq });
    }
    if (world.common.pts - request.pts > policy.differenceTooLongAfter) {
      return new Api.updates.DifferenceTooLong({ pts: world.common.pts });
    }
    const chunk = pending.slice(0, policy.differenceSliceSize);
    const final = chunk.length === pending.length;
    const { newMessages, otherUpdates } = split(chunk);
    const { users, chats } = allEntities(world);
    const reached = state(chunk.at(-1)?.pts ?? world.common.pts);
    const body = {
      newMessages,
      newEncryptedMessages: [],
      otherUpdates: final ? [...otherUpdates, ...hints] : otherUpdates,
      chats,
      users,
    };
    return final
      ? new Api.updates.Difference({ ...body, state: reached })
      : new Api.updates.DifferenceSlice({ ...body, intermediateState: reached });
  });

  server.on('updates.GetChannelDifference', (request: Api.updates.GetChannelDifference) => {
    const channel = resolveInputChannel(world, request.channel);
    const box = world.channelBox(channel);
    const timeout = policy.channelDifferenceTimeout;
    if (request.pts >= box.pts) {
      channel.undelivered = false;
      return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: box.pts, timeout });
    }
    const { users, chats } = allEntities(world);
    if (box.pts - request.pts > policy.channelDifferenceTooLongAfter) {
      channel.undelivered = false;
      const latest = world.messagesOf(channel).slice(-Math.max(1, request.limit));
      return new Api.updates.ChannelDifferenceTooLong({
        final: true,
        timeout,
        dialog: dialogObject(channel, latest.at(-1)?.id ?? 0, box.pts),
        messages: latest.reverse().map(messageObject),
        chats,
        users,
      });
    }
    const pending = box.after(request.pts);
    const chunk = pending.slice(0, Math.max(1, request.limit));
    const final = chunk.length === pending.length;
    if (final) channel.undelivered = false;
    return new Api.updates.ChannelDifference({
      final,
      pts: chunk.at(-1)!.pts,
      timeout,
      ...split(chunk),
      chats,
      users,
    });
  });
}
