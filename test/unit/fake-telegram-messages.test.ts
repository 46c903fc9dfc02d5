// The fake serves history from serialised messages; every change the world can make to a message
// must show in what it serves.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { messageBytes, messageObject } from '../support/fake-telegram/tl.ts';
import { World } from '../support/fake-telegram/world.ts';

const fresh = (message: Parameters<typeof messageObject>[0]) => messageObject(message).getBytes();

describe('fake Telegram serialised messages', () => {
  it('are the bytes of the TL object, and follow every change the world makes', () => {
    const world = new World();
    const channel = world.addChannel({ title: 'News', username: 'news' });
    const [message] = world.addHistory(channel, [
      { text: 'first', media: { kind: 'document', bytes: randomBytes(64), fileName: 'a.bin' } },
    ]);
    const steps: [string, () => void][] = [
      ['edit the text', () => world.editMessage(message!, { text: 'second' })],
      [
        'edit the entities',
        () => world.editMessage(message!, { entities: [{ type: 'bold', offset: 0, length: 3 }] }),
      ],
      [
        'swap the file',
        () => world.editMessage(message!, { media: { kind: 'photo', bytes: randomBytes(32) } }),
      ],
      ['rotate the file reference', () => world.rotateFileReference(message!)],
      ['react', () => world.setReactions(message!, [{ reaction: '👍', count: 2 }])],
      ['pin', () => world.pinMessage(message!)],
      ['unpin', () => world.unpinMessage(message!)],
    ];
    let before = messageBytes(message!);
    expect(before.equals(fresh(message!))).toBe(true);
    for (const [what, change] of steps) {
      change();
      const after = messageBytes(message!);
      expect({ what, matches: after.equals(fresh(message!)) }).toEqual({ what, matches: true });
      expect({ what, changed: !after.equals(before) }).toEqual({ what, changed: true });
      before = after;
    }
  });

  it('are served unchanged while the message is unchanged', () => {
    const world = new World();
    const channel = world.addChannel({ title: 'News', username: 'news' });
    const [message] = world.addHistory(channel, [{ text: 'same' }]);
    expect(messageBytes(message!)).toBe(messageBytes(message!));
  });
});
