// The JSONL form of a log: one envelope per line, as `events export` writes and `events import`
// reads. Export writes to a temporary file and renames it when complete, so FILE is either the
// previous version or a whole new one. Import checks every line before it writes anything and names
// each bad line by number.
import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isEventType } from '../../events/catalogue.ts';
import type { EventMetadata, GlobalPosition, NewEvent } from '../../events/envelope.ts';
import { parseStream } from '../../events/peers.ts';
import type { Upcasters } from '../../events/upcasters.ts';
import type { EventStore } from '../../eventstore/port.ts';
import { validateNewEvent } from '../../eventstore/validate.ts';
import { toJsonLine } from './format.ts';
import type { LogEvent } from './transfer.ts';

export interface ExportOutcome {
  readonly count: number;
  readonly interrupted: boolean;
}

/** Writes the whole log to `file` (or to `out` when file is '-'), a page at a time. */
export async function exportLog(
  store: EventStore,
  file: string,
  options: {
    readonly pageSize?: number;
    readonly signal?: AbortSignal;
    readonly onProgress?: (n: number) => void;
    readonly out?: NodeJS.WritableStream;
  } = {},
): Promise<ExportOutcome> {
  const pageSize = options.pageSize ?? 1000;
  const toStdout = file === '-';
  const temp = `${file}.tmp-${process.pid}`;
  const handle = toStdout ? undefined : await open(temp, 'w', 0o600);
  const write = async (text: string) => {
    if (handle) await handle.write(text);
    else if (options.out && !options.out.write(text))
      await new Promise((resolve) => options.out!.once('drain', resolve));
  };
  let count = 0;
  let finished = false;
  try {
    let after: GlobalPosition | undefined;
    for (;;) {
      if (options.signal?.aborted) return { count, interrupted: true };
      const page = await store.readAll({ after, limit: pageSize });
      if (page.length > 0) await write(`${page.map(toJsonLine).join('\n')}\n`);
      count += page.length;
      options.onProgress?.(page.length);
      if (page.length < pageSize) break;
      after = page.at(-1)!.globalPosition;
    }
    if (handle) {
      await handle.sync();
      await handle.close();
      await rename(temp, file);
    }
    finished = true;
    return { count, interrupted: false };
  } finally {
    if (handle && !finished) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

export interface LineProblem {
  readonly line: number;
  readonly message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One line as a LogEvent, or the reason it is not one. The store's own validation runs too. */
export function parseEnvelopeLine(text: string, upcasters: Upcasters): LogEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isObject(value)) return 'not a JSON object';
  const { id, type, stream, streamVersion, data, metadata } = value;
  if (typeof stream !== 'string') return "no 'stream'";
  if (typeof type !== 'string') return "no 'type'";
  if (!isEventType(type)) return `unknown event type '${type}'`;
  if (!Number.isInteger(streamVersion) || (streamVersion as number) < 0)
    return `'streamVersion' must be a whole number >= 0, not ${JSON.stringify(streamVersion)}`;
  if (!isObject(metadata)) return "'metadata' must be a JSON object";
  try {
    parseStream(stream);
    validateNewEvent(stream, { id, type, data, metadata } as unknown as NewEvent, upcasters);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return {
    id: id as string,
    type,
    stream,
    streamVersion: streamVersion as number,
    data,
    metadata: metadata as unknown as EventMetadata,
  };
}

async function* lines(file: string): AsyncGenerator<[number, string]> {
  const reader = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const line of reader) {
    number += 1;
    if (line.trim() !== '') yield [number, line];
  }
}

/**
 * Reads the whole file and reports every problem (up to `maxProblems`): bad JSON, bad envelopes,
 * and stream versions that do not follow on from the previous line of the same stream.
 */
export async function checkJsonl(
  file: string,
  upcasters: Upcasters,
  options: { maxProblems?: number; onProgress?: (n: number) => void } = {},
): Promise<{ count: number; problems: LineProblem[] }> {
  const maxProblems = options.maxProblems ?? 20;
  const problems: LineProblem[] = [];
  const lastVersion = new Map<string, number>();
  let count = 0;
  for await (const [line, text] of lines(file)) {
    count += 1;
    if (count % 1000 === 0) options.onProgress?.(1000);
    const parsed = parseEnvelopeLine(text, upcasters);
    if (typeof parsed === 'string') {
      problems.push({ line, message: parsed });
    } else {
      const previous = lastVersion.get(parsed.stream);
      if (previous !== undefined && parsed.streamVersion !== previous + 1)
        problems.push({
          line,
          message: `'${parsed.stream}' goes from version ${previous} to ${parsed.streamVersion}; versions of a stream must follow on`,
        });
      lastVersion.set(parsed.stream, parsed.streamVersion);
    }
    if (problems.length >= maxProblems) break;
  }
  options.onProgress?.(count % 1000);
  return { count, problems };
}

/** The file's events in batches; call only after checkJsonl found no problem. */
export async function* readJsonl(
  file: string,
  upcasters: Upcasters,
  batchSize: number,
): AsyncGenerator<LogEvent[]> {
  let batch: LogEvent[] = [];
  for await (const [line, text] of lines(file)) {
    const parsed = parseEnvelopeLine(text, upcasters);
    if (typeof parsed === 'string')
      throw new Error(`line ${line}: ${parsed} (the file changed while importing)`);
    batch.push(parsed);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
