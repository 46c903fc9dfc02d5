// One client TCP connection: TCPFull framing (len | seq | payload | crc32), MTProto 2.0 decryption of
// client messages and encryption of ours. TL objects are decoded and encoded with gramjs's own
// generated classes: the fake must speak exactly the schema layer the client speaks.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import { BinaryReader } from 'telegram/extensions/index.js';
import { GZIPPacked, MessageContainer } from 'telegram/tl/core/index.js';
import { decryptFromClient, encryptForClient } from './crypto.ts';

export interface AuthKeyRecord {
  readonly key: Buffer;
  readonly id: Buffer;
  /** Whether the key is logged in to the account (auth.signIn/checkPassword done). */
  authorized: boolean;
  /** auth.signIn succeeded but the account has a password: only account.getPassword/auth.checkPassword. */
  awaitingPassword: boolean;
}

export interface IncomingMessage {
  readonly msgId: bigint;
  readonly object: any;
}

export interface ConnectionHooks {
  readonly findKey: (keyId: Buffer) => AuthKeyRecord | undefined;
  readonly onMessage: (connection: FakeConnection, message: IncomingMessage) => Promise<void>;
  readonly onError: (error: unknown) => void;
  readonly nextMsgId: () => bigint;
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, n));
  return b;
};

export class FakeConnection {
  readonly socket: Socket;
  authKey: AuthKeyRecord | undefined;
  sessionId: Buffer | undefined;
  /** Set once the client sends a request that is not a file download: Telegram pushes updates there. */
  receivesUpdates = false;
  private readonly hooks: ConnectionHooks;
  private buffer = Buffer.alloc(0);
  private outgoingFrame = 0;
  private contentMessages = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(socket: Socket, hooks: ConnectionHooks) {
    this.socket = socket;
    this.hooks = hooks;
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      // a reset by the client is normal (it reconnects); the close handler does the bookkeeping
    });
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /**
   * Encrypts and frames one server message, given as its parts (joined once, while encrypting);
   * content-related messages get odd sequence numbers.
   */
  send(body: Buffer | readonly Buffer[], contentRelated = true): void {
    if (!this.isOpen || !this.sessionId || !this.authKey) return;
    const parts = Buffer.isBuffer(body) ? [body] : body;
    const bodyLength = parts.reduce((n, part) => n + part.length, 0);
    const seqNo = contentRelated ? this.contentMessages++ * 2 + 1 : this.contentMessages * 2;
    const header = Buffer.concat([
      randomBytes(8),
      this.sessionId,
      int64(this.hooks.nextMsgId()),
      int32(seqNo),
      int32(bodyLength),
    ]);
    // TCPFull: length | seq | payload | crc32 of the three, written around the encrypted payload.
    const frame = encryptForClient(this.authKey.key, this.authKey.id, [header, ...parts], {
      before: 8,
      after: 4,
    });
    frame.writeInt32LE(frame.length, 0);
    frame.writeInt32LE(this.outgoingFrame++, 4);
    frame.writeUInt32LE(crc32(frame.subarray(0, frame.length - 4)), frame.length - 4);
    this.socket.write(frame);
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readInt32LE(0);
      if (length < 12 || length > 16 * 1024 * 1024) {
        this.hooks.onError(new Error(`bad TCPFull frame length ${length}`));
        this.close();
        return;
      }
      if (this.buffer.length < length) return;
      const frame = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (crc32(frame.subarray(0, length - 4)) !== frame.readUInt32LE(length - 4)) {
        this.hooks.onError(new Error('TCPFull frame with a bad crc32'));
        this.close();
        return;
      }
      const payload = Buffer.from(frame.subarray(8, length - 4));
      // Requests of one connection are handled in arrival order, like Telegram does per session.
      this.chain = this.chain.then(() => this.onPacket(payload)).catch((error) => this.hooks.onError(error));
    }
  }

  private async onPacket(packet: Buffer): Promise<void> {
    if (!this.isOpen) return;
    const keyId = packet.subarray(0, 8);
    const key = this.hooks.findKey(keyId);
    if (!key) {
      // auth_key_id 0 is a plain message: the client wants a DH key exchange, which the fake does not do.
      this.hooks.onError(
        new Error(
          keyId.equals(Buffer.alloc(8))
            ? 'client started a DH key exchange; give it a preset session from the fake instead'
            : `unknown auth_key_id ${keyId.toString('hex')}`,
        ),
      );
      this.close();
      return;
    }
    this.authKey = key;
    const plain = decryptFromClient(key.key, packet.subarray(8, 24), packet.subarray(24));
    const reader = new BinaryReader(plain);
    reader.read(8); // salt: any salt is accepted
    this.sessionId = reader.read(8);
    const msgId = BigInt(reader.readLong().toString());
    reader.readInt(); // seq_no
    reader.readInt(); // length
    await this.dispatch(msgId, reader.tgReadObject());
  }

  private async dispatch(msgId: bigint, decoded: unknown): Promise<void> {
    const object: any = await decoded;
    if (object instanceof MessageContainer) {
      for (const inner of (object as any).messages) {
        await this.dispatch(BigInt(inner.msgId.toString()), inner.obj);
      }
      return;
    }
    if (object instanceof GZIPPacked) {
      // GZIPPacked.fromReader has already inflated the payload.
      await this.dispatch(msgId, new BinaryReader((object as any).data as Buffer).tgReadObject());
      return;
    }
    await this.hooks.onMessage(this, { msgId, object });
  }
}
