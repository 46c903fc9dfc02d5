// The socket and TCPFull codec under gramjs's connections, over a real loopback TCP socket.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from '@jest/globals';
import 'telegram';
import { InvalidBufferError, InvalidChecksumError } from 'telegram/errors/index.js';
import { QueuedNetSocket } from '../../../src/telegram/transport/socket.ts';
import { NativeCrcPacketCodec } from '../../../src/telegram/transport/tcp-full.ts';

let server: Server | undefined;
const opened: QueuedNetSocket[] = [];

afterEach(async () => {
  for (const socket of opened.splice(0)) await socket.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that hands its side of the one connection to the test; the client side connected. */
async function connected(): Promise<{ peer: Socket; socket: QueuedNetSocket }> {
  let accept!: (peer: Socket) => void;
  const accepted = new Promise<Socket>((resolve) => {
    accept = resolve;
  });
  server = createServer((peer) => accept(peer));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const socket = new QueuedNetSocket();
  opened.push(socket);
  await socket.connect(port, '127.0.0.1');
  const peer = await accepted;
  peer.on('error', () => undefined);
  return { peer, socket };
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('QueuedNetSocket', () => {
  it('reads exact lengths across and within chunks, in order', async () => {
    const { peer, socket } = await connected();
    const data = randomBytes(300_000);
    const pending = socket.readExactly(200_000);
    for (let at = 0; at < data.length; at += 7_000) {
      peer.write(data.subarray(at, at + 7_000));
      if (at % 70_000 === 0) await pause();
    }
    expect((await pending).equals(data.subarray(0, 200_000))).toBe(true);
    expect((await socket.readExactly(3)).equals(data.subarray(200_000, 200_003))).toBe(true);
    expect((await socket.readExactly(99_997)).equals(data.subarray(200_003))).toBe(true);
  });

  it('read() returns what is there, up to the length asked; readAll() everything queued', async () => {
    const { peer, socket } = await connected();
    peer.write(Buffer.from('hello world'));
    await pause();
    expect((await socket.read(5)).toString()).toBe('hello');
    expect((await socket.readAll()).toString()).toBe(' world');
    const later = socket.read(100);
    peer.write(Buffer.from('later'));
    expect((await later).toString()).toBe('later');
  });

  it('a read waiting for bytes fails when the connection closes, from either side', async () => {
    const first = await connected();
    const waiting = first.socket.readExactly(10);
    first.peer.end(Buffer.from('abc'));
    await expect(waiting).rejects.toThrow('NetSocket was closed');
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;

    const second = await connected();
    const ours = second.socket.readExactly(10);
    await second.socket.close();
    await expect(ours).rejects.toThrow('NetSocket was closed');
  });
});

/** A reader over fixed bytes, as the codec sees a socket. */
function bytesReader(bytes: Buffer): QueuedNetSocket {
  let at = 0;
  const reader = new QueuedNetSocket();
  reader.readExactly = async (length: number) => {
    if (at + length > bytes.length) throw new Error('NetSocket was closed');
    const out = bytes.subarray(at, at + length);
    at += length;
    return out;
  };
  return reader;
}

function frame(payload: Buffer, sequence: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32LE(payload.length + 12, 0);
  head.writeInt32LE(sequence, 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(Buffer.concat([head, payload])));
  return Buffer.concat([head, payload, crc]);
}

describe('NativeCrcPacketCodec', () => {
  const codec = () => new NativeCrcPacketCodec(undefined);

  it('returns the payload of a frame with a good checksum', async () => {
    const payload = randomBytes(1024 * 1024 + 24);
    const reader = bytesReader(Buffer.concat([frame(payload, 0), frame(Buffer.from('next'), 1)]));
    expect((await codec().readPacket(reader)).equals(payload)).toBe(true);
    expect((await codec().readPacket(reader)).toString()).toBe('next');
  });

  it('rejects a frame whose checksum does not match, as gramjs does', async () => {
    const damaged = frame(randomBytes(64), 0);
    damaged[20]! ^= 1;
    await expect(codec().readPacket(bytesReader(damaged))).rejects.toBeInstanceOf(InvalidChecksumError);
  });

  it('turns a negative length (Telegram refusing the key) into InvalidBufferError with its code', async () => {
    const refusal = Buffer.alloc(12);
    refusal.writeInt32LE(-404, 0);
    refusal.writeInt32LE(-404, 4);
    refusal.writeInt32LE(-404, 8);
    const error = await codec()
      .readPacket(bytesReader(refusal))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidBufferError);
    expect((error as InvalidBufferError).code).toBe(404);
  });
});
