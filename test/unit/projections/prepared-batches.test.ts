// Batches projected ahead of their transaction: the next batch may start from the rows the previous
// one leaves before that one commits, and gives the same rows as applying them one by one; a batch
// whose checkpoint moved in between is refused without writing anything.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  applyBatch,
  CheckpointConflictError,
  commitBatch,
  prepareBatch,
} from '../../../projections/apply.ts';
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import { at, channel, dump, EventLog, expectSameDump, freshCopy, make, messageStream } from './support.ts';

const open: ReadModelCopy[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
const fresh = async () => {
  const copy = await freshCopy();
  open.push(copy);
  return copy;
};

/** Two batches; the second edits, reacts to and deletes messages the first creates. */
function history(): EventLog {
  const log = new EventLog();
  for (let id = 1; id <= 4; id++)
    log.append(
      messageStream(channel, id),
      make(messageStream(channel, id), 'MessageCreated', {
        chat: channel,
        messageId: id,
        date: at(id),
        text: `message ${id}`,
        entities: [],
        outgoing: false,
      }),
    );
  log.append(
    messageStream(channel, 1),
    make(
      messageStream(channel, 1),
      'MessageEdited',
      {
        chat: channel,
        messageId: 1,
        editDate: at(10),
        text: 'message one, edited',
        entities: [],
        contentHash: 'c1',
      },
      { observedAt: at(10) },
    ),
  );
  log.append(
    messageStream(channel, 2),
    make(messageStream(channel, 2), 'MessageReactionsChanged', {
      chat: channel,
      messageId: 2,
      reactions: [{ reaction: '👍', count: 2 }],
      snapshotHash: 'h1',
    }),
  );
  log.append(
    messageStream(channel, 3),
    make(messageStream(channel, 3), 'MessageDeleted', {
      chat: channel,
      messageId: 3,
      observedAt: at(11),
      matchedBy: 'peer',
    }),
  );
  log.append(
    messageStream(channel, 5),
    make(messageStream(channel, 5), 'MessageCreated', {
      chat: channel,
      messageId: 5,
      date: at(12),
      text: 'message 5',
      entities: [],
      outgoing: true,
    }),
  );
  return log;
}

describe('prepared batches', () => {
  it('project the next batch from the rows the previous one leaves, before it commits', async () => {
    const events = history().events;
    const [first, second] = [events.slice(0, 4), events.slice(4)];

    const oneByOne = await fresh();
    const a = await applyBatch(oneByOne, first, null, { now: 0 });
    await applyBatch(oneByOne, second, a.checkpoint.position, { now: 0 });

    const ahead = await fresh();
    const preparedFirst = await prepareBatch(ahead, first);
    const preparedSecond = await prepareBatch(ahead, second, { carried: preparedFirst.after! });
    const committed = await commitBatch(ahead, preparedFirst, null, { now: 0 });
    await commitBatch(ahead, preparedSecond, committed.checkpoint.position, { now: 0 });

    expectSameDump(await dump(ahead), await dump(oneByOne));
  });

  it('refuses a batch whose checkpoint moved after it was prepared, writing nothing', async () => {
    const events = history().events;
    const copy = await fresh();
    const prepared = await prepareBatch(copy, events.slice(0, 4));
    // Another projector applies the same events first.
    await applyBatch(copy, events.slice(0, 4), null, { now: 0 });
    const before = await dump(copy);
    await expect(commitBatch(copy, prepared, null, { now: 0 })).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    expectSameDump(await dump(copy), before);
  });
});
