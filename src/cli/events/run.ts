// The work behind each `events` subcommand (commands/events.ts holds their options and help).
import { isEventType } from '../../events/catalogue.ts';
import type { GlobalPosition, StoredEvent } from '../../events/envelope.ts';
import { upcasters } from '../../events/upcasters.ts';
import type { EventStore } from '../../eventstore/port.ts';
import { type CommandContext, listOption, stringOption, UsageError } from '../command.ts';
import { createProgress, formatCount, type Progress } from '../progress.ts';
import { CliFailure } from '../run-cli.ts';
import { copyPair, defaultCheckpointPath, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { formatEventLine, toJsonLine } from './format.ts';
import { checkJsonl, exportLog, readJsonl } from './jsonl.ts';
import { parseStoreLocation, StoreLocationError, sameLocation } from './location.ts';
import { openConfiguredStore, openStoreAt } from './open-store.ts';
import { appendPreserving, compareLogs, copyLog, iterateLog } from './transfer.ts';

const INTERRUPTED = 130;

function wholeNumber(
  context: CommandContext,
  name: string,
  helpFor: string,
  fallback?: number,
): number | undefined {
  const text = stringOption(context.options, name);
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1)
    throw new UsageError(`--${name} must be a whole number of at least 1, not '${text}'.`, helpFor);
  return Number(text);
}

function required(context: CommandContext, name: string, helpFor: string): string {
  const value = stringOption(context.options, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required.`, helpFor);
  return value;
}

function openConfigured(context: CommandContext): Promise<EventStore> {
  return openConfiguredStore(context.config().config, context.logger());
}

const isTty = (stream: NodeJS.WritableStream) => Boolean((stream as { isTTY?: boolean }).isTTY);
const columns = (stream: NodeJS.WritableStream) =>
  isTty(stream) ? (stream as { columns?: number }).columns || 120 : undefined;

function progressFor(context: CommandContext, label: string, total?: number, unit = 'events'): Progress {
  const tty = isTty(context.stderr);
  return createProgress({
    label,
    unit,
    stream: context.stderr,
    ...(total !== undefined ? { total } : {}),
    ...(tty ? {} : { logger: context.logger() }),
  });
}

/** A total for the bar: worth a counting pass only when someone watches a terminal. */
async function countForBar(context: CommandContext, store: EventStore): Promise<number | undefined> {
  if (!isTty(context.stderr)) return undefined;
  let count = 0;
  for await (const _ of iterateLog(store, 5000)) count += 1;
  return count;
}

function eventPrinter(context: CommandContext): (event: StoredEvent) => void {
  const jsonl = context.options.jsonl === true;
  const width = columns(context.stdout);
  return (event) => context.stdout.write(`${jsonl ? toJsonLine(event) : formatEventLine(event, width)}\n`);
}

export async function runTail(context: CommandContext): Promise<number> {
  const types = listOption(context.options, 'type');
  for (const type of types)
    if (!isEventType(type)) throw new UsageError(`Unknown event type '${type}'.`, 'events tail');
  const prefix = stringOption(context.options, 'stream-prefix');
  const wanted = (e: StoredEvent) =>
    (types.length === 0 || types.includes(e.type)) && (prefix === undefined || e.stream.startsWith(prefix));
  const store = await openConfigured(context);
  const print = eventPrinter(context);
  try {
    // Filters apply here, not in readAll: the position must move past events that do not match.
    let after: GlobalPosition | undefined =
      context.options['from-start'] === true ? undefined : await store.headPosition();
    context.stderr.write(`Following ${store.description} (Ctrl-C to stop)\n`);
    while (!context.signal.aborted) {
      const page = await store.readAll({ after, limit: 500 });
      for (const event of page) if (wanted(event)) print(event);
      if (page.length > 0) {
        after = page.at(-1)!.globalPosition;
        continue;
      }
      await store.waitForEvents(after, { signal: context.signal, timeoutMs: 60_000 });
    }
    return 0;
  } finally {
    await store.close();
  }
}

export async function runShow(context: CommandContext): Promise<number> {
  const stream = required(context, 'stream', 'events show');
  const limit = wholeNumber(context, 'limit', 'events show');
  const fromText = stringOption(context.options, 'from-version');
  if (fromText !== undefined && !/^[0-9]{1,9}$/.test(fromText))
    throw new UsageError(`--from-version must be a whole number, not '${fromText}'.`, 'events show');
  const store = await openConfigured(context);
  try {
    let events: StoredEvent[];
    try {
      events = await store.readStream(stream, {
        direction: context.options.backwards === true ? 'backwards' : 'forwards',
        ...(fromText !== undefined ? { fromVersion: Number(fromText) } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'InvalidStreamNameError')
        throw new UsageError((error as Error).message, 'events show');
      throw error;
    }
    const print = eventPrinter(context);
    for (const event of events) print(event);
    if (events.length === 0) context.stderr.write(`No events in '${stream}'.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function runExport(context: CommandContext): Promise<number> {
  const file = required(context, 'jsonl', 'events export');
  const store = await openConfigured(context);
  try {
    const progress = progressFor(
      context,
      'export',
      file === '-' ? undefined : await countForBar(context, store),
    );
    const outcome = await exportLog(store, file, {
      signal: context.signal,
      onProgress: (n) => progress.advance(n),
      out: context.stdout,
    });
    if (outcome.interrupted) {
      progress.finish(
        `export interrupted after ${formatCount(outcome.count)} events; ${file} was not written`,
      );
      return INTERRUPTED;
    }
    progress.finish(
      `Exported ${formatCount(outcome.count)} events to ${file === '-' ? 'standard output' : file}.`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function runImport(context: CommandContext): Promise<number> {
  const file = required(context, 'jsonl', 'events import');
  const batchSize = wholeNumber(context, 'batch-size', 'events import', 1000)!;
  let checked: Awaited<ReturnType<typeof checkJsonl>>;
  const checking = progressFor(context, 'check', undefined, 'lines');
  try {
    checked = await checkJsonl(file, upcasters, { onProgress: (n) => checking.advance(n) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliFailure(`${file} does not exist`);
    throw error;
  }
  checking.finish(`Checked ${formatCount(checked.count)} lines of ${file}.`);
  if (checked.problems.length > 0) {
    const lines = checked.problems.map((p) => `  line ${p.line}: ${p.message}`);
    throw new CliFailure(
      `${file} has bad lines; nothing was imported:\n${lines.join('\n')}${checked.problems.length >= 20 ? '\n  (stopped after 20 problems)' : ''}`,
    );
  }
  const store = await openConfigured(context);
  try {
    const progress = progressFor(context, 'import', checked.count);
    let done = 0;
    let written = 0;
    for await (const batch of readJsonl(file, upcasters, batchSize)) {
      if (context.signal.aborted) {
        progress.finish(`import interrupted after ${formatCount(done)} events; run it again to finish`);
        return INTERRUPTED;
      }
      written += await appendPreserving(store, batch);
      done += batch.length;
      progress.advance(batch.length);
    }
    progress.finish(
      `Imported ${formatCount(done)} events from ${file} (${formatCount(written)} new, ${formatCount(done - written)} already there).`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function runCopy(context: CommandContext): Promise<number> {
  const parse = (name: string) => {
    try {
      return parseStoreLocation(required(context, name, 'events copy'));
    } catch (error) {
      if (error instanceof StoreLocationError)
        throw new UsageError(`--${name}: ${error.message}`, 'events copy');
      throw error;
    }
  };
  const from = parse('from');
  const to = parse('to');
  if (sameLocation(from, to)) throw new UsageError('--from and --to name the same store.', 'events copy');
  const batchSize = wholeNumber(context, 'batch-size', 'events copy', 1000)!;
  const maxEvents = wholeNumber(context, 'max-events', 'events copy');
  const pair = copyPair(from, to);
  const checkpointPath =
    stringOption(context.options, 'checkpoint') ??
    defaultCheckpointPath(context.config().config.dataDir, pair);
  const previous = context.options.restart === true ? undefined : readCheckpoint(checkpointPath, pair);
  const logger = context.logger();
  const source = await openStoreAt(from, context.config().config, logger, 'source');
  let target: EventStore | undefined;
  try {
    target = await openStoreAt(to, context.config().config, logger, 'target');
    if (previous)
      context.stderr.write(
        `Resuming after ${formatCount(previous.copied)} events (checkpoint ${checkpointPath}).\n`,
      );
    else if ((await target.headPosition()) !== undefined)
      context.stderr.write('The target is not empty: events it already has are skipped by id.\n');
    const progress = progressFor(context, 'copy', await countForBar(context, source));
    progress.update(previous?.copied ?? 0);
    let copiedBefore = previous?.copied ?? 0;
    let last = previous?.after;
    const outcome = await copyLog({
      source,
      target,
      after: previous?.after,
      batchSize,
      ...(maxEvents !== undefined ? { maxEvents } : {}),
      signal: context.signal,
      onBatch: (position, copiedThisRun) => {
        last = position;
        writeCheckpoint(checkpointPath, {
          version: 1,
          pair,
          from: from.display,
          to: to.display,
          after: position,
          copied: copiedBefore + copiedThisRun,
          updatedAt: new Date().toISOString(),
        });
      },
      onProgress: (n) => progress.advance(n),
    });
    copiedBefore += outcome.copied;
    const summary = `${formatCount(outcome.copied)} events this run (${formatCount(outcome.written)} new to the target), ${formatCount(copiedBefore)} in all`;
    if (outcome.interrupted) {
      progress.finish(`copy interrupted: ${summary}; run the same command again to continue`);
      return INTERRUPTED;
    }
    if (!outcome.complete) {
      progress.finish(`copy paused at --max-events: ${summary}; run the same command again to continue`);
      return 0;
    }
    progress.finish(`Copied ${summary} from ${from.display} to ${to.display}.`);
    if (context.options['skip-verify'] === true) return 0;
    const verifying = progressFor(context, 'verify', copiedBefore);
    const comparison = await compareLogs(source, target, {
      ...(last !== undefined ? { until: last } : {}),
      onProgress: (n) => verifying.advance(n),
      signal: context.signal,
    });
    if (comparison.mismatch) {
      verifying.finish('verification failed');
      throw new CliFailure(`The logs differ after the copy: ${comparison.mismatch}`);
    }
    verifying.finish(
      `Verified: ${formatCount(comparison.count)} events, same ids, versions and order in both stores.`,
    );
    return 0;
  } finally {
    await target?.close();
    await source.close();
  }
}
