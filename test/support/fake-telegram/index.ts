// A fake Telegram for end-to-end tests and demos: the real, unmodified gramjs client connects over TCP
// on 127.0.0.1 with a preset auth key and talks MTProto 2.0 to a scriptable world. See README.md.

import type { AuthKeyRecord } from './connection.ts';
import type { Faults } from './faults.ts';
import { installAccount, LoginDesk } from './rpc/account.ts';
import { installFiles } from './rpc/files.ts';
import { installMessages } from './rpc/messages.ts';
import { type DifferencePolicy, defaultDifferencePolicy, installUpdates } from './rpc/updates.ts';
import { FakeTelegramServer } from './server.ts';
import { DC_ID } from './tl.ts';
import { World, type WorldOptions } from './world.ts';

export { populateDemoWorld, seededRandom } from './generate.ts';
export type { FakeChannel, FakeChat, FakeGroup, FakeMessage, FakeTopic, FakeUser } from './model.ts';
export { peerKeyOf } from './model.ts';
export type { DifferencePolicy } from './rpc/updates.ts';
export { FakeTelegramServer, RpcFailure, rpcFail } from './server.ts';
export type { MessageSpec, MutationOptions, WorldOptions } from './world.ts';
export { World } from './world.ts';

export const FAKE_HOST = '127.0.0.1';

export interface FakeTelegramOptions extends WorldOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
}

export interface FakeTelegram {
  readonly server: FakeTelegramServer;
  readonly world: World;
  readonly faults: Faults;
  readonly login: LoginDesk;
  /** Slicing and *TooLong thresholds of getDifference / getChannelDifference; tests change it freely. */
  readonly policy: DifferencePolicy;
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value of TELEGRAM_TEST_SERVER. */
  readonly address: string;
  /** A gramjs StringSession whose key is logged in to the account. */
  readonly sessionString: string;
  /** A StringSession with a new key; `authorized: false` is a fresh install that still has to log in. */
  newSession(options: { authorized: boolean }): string;
  close(): Promise<void>;
}

/** StringSession v1: "1" + base64(dc u8 | address length i16be | address | port i16be | 256-byte key). */
export function encodeStringSession(dcId: number, host: string, port: number, key: Buffer): string {
  const address = Buffer.from(host);
  const head = Buffer.alloc(3);
  head.writeUInt8(dcId, 0);
  head.writeInt16BE(address.length, 1);
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port);
  return `1${Buffer.concat([head, address, portBytes, key]).toString('base64')}`;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const server = new FakeTelegramServer();
  const world = new World(options);
  const login = new LoginDesk();
  const policy = defaultDifferencePolicy();
  const port = await server.listen(options.port ?? 0, FAKE_HOST);
  world.pushSink = (updates) => server.push(updates);
  installAccount(server, world, login);
  installUpdates(server, world, policy);
  installMessages(server, world);
  installFiles(server, world);
  const session = (key: AuthKeyRecord) => encodeStringSession(DC_ID, FAKE_HOST, port, key.key);
  return {
    server,
    world,
    faults: server.faults,
    login,
    policy,
    host: FAKE_HOST,
    port,
    address: `${FAKE_HOST}:${port}`,
    sessionString: session(server.issueAuthKey({ authorized: true })),
    newSession: ({ authorized }) => session(server.issueAuthKey({ authorized })),
    close: () => server.close(),
  };
}
