// The TCP socket under gramjs's connections, replacing its PromisedNetSockets through the client's
// `networkSocket` option. gramjs appends every arriving chunk to all unread bytes with Buffer.concat
// and joins again inside readExactly, so a 1 MiB file chunk arriving in 64 KiB pieces is copied over
// and over, and one mutex shared by every connection of the process is taken per chunk. Here chunks
// wait in a queue and a read copies its bytes once, or not at all when one chunk holds them.
// gramjs's modules import one another in a cycle that only resolves from the package entry.
import 'telegram';
import type { Socket } from 'node:net';
import { PromisedNetSockets } from 'telegram/extensions/index.js';

const closedError = () => new Error('NetSocket was closed');

export class QueuedNetSocket extends PromisedNetSockets {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already read. */
  private consumed = 0;
  private queued = 0;
  private ended = true;
  private wake: (() => void) | undefined;

  /** Called by connect() once the socket is open (or the proxy has connected it). */
  override async receive(): Promise<void> {
    const socket = (this as unknown as { client?: Socket }).client;
    if (!socket) return;
    this.chunks = [];
    this.consumed = 0;
    this.queued = 0;
    this.ended = false;
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.queued += chunk.length;
      this.notify();
    });
    socket.on('close', () => {
      // A reconnect may already have opened a new socket on this object.
      if ((this as unknown as { client?: Socket }).client !== socket) return;
      this.ended = true;
      this.notify();
    });
  }

  override async readExactly(length: number): Promise<Buffer> {
    await this.waitFor(length);
    return this.take(length);
  }

  override async read(length: number): Promise<Buffer> {
    await this.waitFor(1);
    return this.take(Math.min(length, this.queued));
  }

  override async readAll(): Promise<Buffer> {
    await this.waitFor(1);
    return this.take(this.queued);
  }

  override async close(): Promise<void> {
    this.ended = true;
    this.notify();
    await super.close();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async waitFor(length: number): Promise<void> {
    for (;;) {
      if (this.ended) throw closedError();
      if (this.queued >= length) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private take(length: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length - this.consumed >= length) {
      const out = first.subarray(this.consumed, this.consumed + length);
      this.advance(first, length);
      return out;
    }
    const out = Buffer.allocUnsafe(length);
    for (let filled = 0; filled < length; ) {
      const chunk = this.chunks[0]!;
      const n = Math.min(length - filled, chunk.length - this.consumed);
      chunk.copy(out, filled, this.consumed, this.consumed + n);
      filled += n;
      this.advance(chunk, n);
    }
    return out;
  }

  private advance(chunk: Buffer, n: number): void {
    this.queued -= n;
    this.consumed += n;
    if (this.consumed === chunk.length) {
      this.chunks.shift();
      this.consumed = 0;
    }
  }
}
