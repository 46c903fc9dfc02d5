// chatActivity over Server-Sent Events: a subscriber hears an edit (and the rest) as soon as the
// projector has applied it, with the message as the read model now shows it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { noticesFrom } from '../../../src/viewer/live.ts';
import { readSse } from '../../support/sse.ts';
import {
  alice,
  chatKey,
  createViewerWorld,
  events,
  family,
  general,
  globalId,
  type ViewerWorld,
} from '../../support/viewer-world.ts';
import { waitFor } from '../../support/wait.ts';

let world: ViewerWorld;

beforeAll(async () => {
  world = await createViewerWorld();
  await world.project(
    events.chat(general, 'General', 'channel'),
    events.chat(family, 'Family', 'group'),
    events.created(general, 1, { text: 'first draft', minute: 1, sender: alice }),
  );
});
afterAll(() => world.close());

function subscribe(chat: string, headers: Record<string, string> = {}) {
  return world.app.fetch('http://127.0.0.1/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({
      query: `subscription($chat: ID!) { chatActivity(chatId: $chat) { kind messageId eventId message { text edited editCount deleted deletion { matchedBy } } } }`,
      variables: { chat },
    }),
  });
}

describe('chatActivity', () => {
  it('streams a live edit, then a deletion, of a message in the chat, and nothing from other chats', async () => {
    const listeners = world.notifier.listenerCount('batch');
    const response = await subscribe(globalId('Chat', chatKey(general)));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = readSse(response);
    await waitFor(() => world.notifier.listenerCount('batch') > listeners, 'the subscription to listen');

    await world.project(
      events.created(family, 1, { text: 'elsewhere', minute: 2 }),
      events.edited(general, 1, 'final text', 3),
    );
    expect(await stream.next()).toEqual({
      data: {
        chatActivity: {
          kind: 'EDITED',
          messageId: 1,
          eventId: expect.any(String),
          message: { text: 'final text', edited: true, editCount: 1, deleted: false, deletion: null },
        },
      },
    });

    await world.project(events.deleted(general, 1, 4, 'peer'));
    const deletion = await stream.next();
    expect(deletion.data.chatActivity).toMatchObject({
      kind: 'DELETED',
      message: { text: 'final text', deleted: true, deletion: { matchedBy: 'PEER' } },
    });

    await world.project(events.created(general, 2, { text: 'brand new', minute: 5 }));
    expect((await stream.next()).data.chatActivity).toMatchObject({
      kind: 'CREATED',
      messageId: 2,
      message: { text: 'brand new' },
    });
    await stream.close();
    await waitFor(
      () => world.notifier.listenerCount('batch') === listeners,
      'the subscription to stop listening',
    );
  });

  it('rejects unknown and malformed chats with typed errors', async () => {
    const unknown = readSse(await subscribe(globalId('Chat', '777.c424242')));
    expect((await unknown.next()).errors[0].extensions.code).toBe('NOT_FOUND');
    await unknown.close();
    const malformed = readSse(await subscribe('nope'));
    expect((await malformed.next()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await malformed.close();
  });
});

describe('notices', () => {
  it('keep only message-level changes with a chat, in log order', () => {
    const appliedAt = new Date();
    const notices = noticesFrom(
      [
        { id: 'a', type: 'ChatObserved', position: '1', chat: '777.c1' },
        { id: 'b', type: 'MessageCreated', position: '2', chat: '777.c1', messageId: 5 },
        { id: 'c', type: 'MessageReactionsChanged', position: '3', chat: '777.c1', messageId: 5 },
        { id: 'd', type: 'MessagePinned', position: '4', chat: '777.c1', messageId: 5 },
        { id: 'e', type: 'MediaDownloaded', position: '5', chat: '777.c1', messageId: 5 },
      ],
      appliedAt,
    );
    expect(notices.map((n) => [n.eventId, n.kind])).toEqual([
      ['b', 'created'],
      ['c', 'reactions'],
      ['e', 'media'],
    ]);
  });
});
