// A DownloadSource over a buffer that records every read and can be told to fail: the media
// archive's stand-in for upload.getFile in unit tests.
import type { DownloadSource } from '../../src/ingest/media/download-source.ts';

export interface Read {
  readonly offset: number;
  readonly limit: number;
}

export class MemoryDownloadSource implements DownloadSource {
  readonly reads: Read[] = [];
  refreshes = 0;
  /** Called before each read; throw from it to make that read fail. */
  beforeRead: (read: Read, index: number) => void | Promise<void> = () => undefined;
  /** What refresh() answers. */
  refreshResult = true;
  onRefresh: () => void = () => undefined;
  private readonly data: Buffer;

  constructor(data: Buffer) {
    this.data = data;
  }

  async read(offset: number, limit: number): Promise<Uint8Array> {
    const read = { offset, limit };
    this.reads.push(read);
    await this.beforeRead(read, this.reads.length - 1);
    return this.data.subarray(offset, offset + limit);
  }

  async refresh(): Promise<boolean> {
    this.refreshes++;
    this.onRefresh();
    return this.refreshResult;
  }
}

export const rpcError = (message: string, code = 400) =>
  Object.assign(new Error(`${code}: ${message}`), { errorMessage: message, code });
