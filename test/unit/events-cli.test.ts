// The pieces behind `telegram-archive events`: location parsing, formatting, the transfer engine
// (runs, resume, conflicts, interruption, comparison), JSONL export/import checks and checkpoints.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { generateEvents, toAppendRequests } from '../../bench/generator.ts';
import { commands } from '../../src/cli/commands/index.ts';
import { copyPair, readCheckpoint, writeCheckpoint } from '../../src/cli/events/checkpoint.ts';
import { formatEventLine, toJsonLine } from '../../src/cli/events/format.ts';
import { checkJsonl, exportLog, readJsonl } from '../../src/cli/events/jsonl.ts';
import { parseStoreLocation, StoreLocationError } from '../../src/cli/events/location.ts';
import {
  appendPreserving,
  compareLogs,
  copyLog,
  type LogEvent,
  TransferConflictError,
  toRequests,
} from '../../src/cli/events/transfer.ts';
import { CliFailure } from '../../src/cli/run-cli.ts';
import type { NewEvent, StoredEvent } from '../../src/events/envelope.ts';
import { peer, streams } from '../../src/events/peers.ts';
import { upcasters } from '../../src/events/upcasters.ts';
import { StoreUnavailableError } from '../../src/eventstore/errors.ts';
import { type EsdbClient, EventStoreDbEventStore } from '../../src/eventstore/eventstoredb.ts';
import { MemoryEventStore } from '../../src/eventstore/memory.ts';
import { runCommands } from '../support/cli-in-process.ts';
import { FakeEsdbClient } from '../support/fake-esdb-client.ts';
import { sampleEvent } from '../support/sample-events.ts';

const archive = generateEvents({ seed: 'cli', totalEvents: 600 });

async function seeded(count = archive.length): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  await store.appendBatch(toAppendRequests(archive.slice(0, count)));
  return store;
}

const ids = (events: readonly { id: string }[]) => events.map((e) => e.id);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-events-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('store locations', () => {
  it('reads paths, sqlite: and file: as SQLite files', () => {
    expect(parseStoreLocation('data/events.sqlite', '/srv')).toEqual({
      kind: 'sqlite',
      location: '/srv/data/events.sqlite',
      display: '/srv/data/events.sqlite',
    });
    expect(parseStoreLocation('sqlite:other.db', '/srv').location).toBe('/srv/other.db');
    expect(parseStoreLocation('file:///tmp/x.sqlite').location).toBe('/tmp/x.sqlite');
  });

  it('reads server URLs and redacts their passwords for display', () => {
    const pg = parseStoreLocation('postgres://archive:s3cret@db:5432/archive');
    expect(pg).toMatchObject({ kind: 'postgres', location: 'postgres://archive:s3cret@db:5432/archive' });
    expect(pg.display).not.toContain('s3cret');
    const esdb = parseStoreLocation('esdb://admin:changeit@localhost:2113?tls=false');
    expect(esdb).toMatchObject({
      kind: 'eventstoredb',
      display: 'esdb://admin:***@localhost:2113?tls=false',
    });
    expect(parseStoreLocation('kurrentdb+discover://cluster:2113').kind).toBe('eventstoredb');
  });

  it('rejects what it cannot open with a message that lists what it can', () => {
    for (const bad of ['', '  ', 'http://x/y', 'mysql://db/x', 'esdb://', 'postgres://', 'sqlite:']) {
      expect(() => parseStoreLocation(bad)).toThrow(StoreLocationError);
    }
    expect(() => parseStoreLocation('http://x')).toThrow(/Unsupported store URL scheme 'http:'.*esdb:\/\//);
  });
});

describe('event formatting', () => {
  it('writes an envelope that parses back to the same event', async () => {
    const store = await seeded(5);
    const [event] = await store.readAll({ limit: 1 });
    const line = toJsonLine(event!);
    expect(Object.keys(JSON.parse(line))).toEqual([
      'id',
      'stream',
      'streamVersion',
      'type',
      'globalPosition',
      'sequence',
      'recordedAt',
      'data',
      'metadata',
    ]);
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(event)));
  });

  it('cuts a readable line to the width without splitting an emoji', () => {
    const event = {
      id: 'x',
      stream: 'message-1.u2.3',
      streamVersion: 0,
      type: 'MessageCreated',
      globalPosition: '7',
      sequence: 7,
      recordedAt: '2024-01-01T00:00:00.000Z',
      data: { text: '👍'.repeat(100) },
      metadata: { source: 'live', observedAt: '2024-01-01T00:00:00.000Z', schemaVersion: 1 },
    } as unknown as StoredEvent;
    const whole = formatEventLine(event);
    expect(
      whole.startsWith('2024-01-01T00:00:00.000Z  #7  message-1.u2.3@0  MessageCreated  {"text":"👍'),
    ).toBe(true);
    const cut = formatEventLine(event, 80);
    expect(Array.from(cut)).toHaveLength(80);
    expect(cut.endsWith('…')).toBe(true);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut)).toBe(false);
  });
});

const logEvent = (stream: string, streamVersion: number, id?: string): LogEvent => {
  const e = sampleEvent('MessagePinned', { id });
  return { ...e, stream, streamVersion } as unknown as LogEvent;
};

describe('transfer', () => {
  const s = (n: number) => streams.message('1', peer('user', '2'), n);

  it('turns runs of one stream into one request expecting the version before it', () => {
    const events = [logEvent(s(1), 0), logEvent(s(1), 1), logEvent(s(2), 4), logEvent(s(1), 2)];
    const requests = toRequests(events);
    expect(requests.map((r) => [r.stream, r.expectedVersion, r.events.length])).toEqual([
      [s(1), 'no-stream', 2],
      [s(2), 3, 1],
      [s(1), 1, 1],
    ]);
    expect(requests.flatMap((r) => ids(r.events))).toEqual(ids(events));
  });

  it('drops the read-side upcasting note from metadata', () => {
    const event = {
      ...logEvent(s(1), 0),
      metadata: { source: 'live', observedAt: 'x', schemaVersion: 2, writtenSchemaVersion: 1 },
    };
    expect(toRequests([event as LogEvent])[0]!.events[0]!.metadata).toEqual({
      source: 'live',
      observedAt: 'x',
      schemaVersion: 2,
    });
  });

  it('completes a batch the target holds in part, and refuses one that does not line up', async () => {
    const target = new MemoryEventStore();
    const batch = [logEvent(s(1), 0), logEvent(s(1), 1), logEvent(s(1), 2), logEvent(s(2), 0)];
    await target.append(s(1), toRequests(batch.slice(0, 2))[0]!.events);
    expect(await appendPreserving(target, batch)).toBe(2);
    expect(ids(await target.readAll())).toEqual(ids(batch));
    expect(await appendPreserving(target, batch)).toBe(0);

    const foreign = new MemoryEventStore();
    await foreign.append(s(3), [sampleEvent('MessagePinned')]);
    const error = await appendPreserving(foreign, [logEvent(s(3), 0), logEvent(s(3), 1)]).catch((e) => e);
    expect(error).toBeInstanceOf(TransferConflictError);
    expect(error.message).toContain(`'${s(3)}' holds event`);
    expect(await foreign.readStream(s(3))).toHaveLength(1);
  });

  it('copies everything, in order, and compares equal', async () => {
    const source = await seeded();
    const target = new MemoryEventStore();
    const outcome = await copyLog({ source, target, batchSize: 97 });
    expect(outcome).toMatchObject({
      copied: archive.length,
      written: archive.length,
      complete: true,
      interrupted: false,
    });
    expect(ids(await target.readAll())).toEqual(ids(await source.readAll()));
    const sourceVersions = (await source.readAll()).map((e) => `${e.stream}@${e.streamVersion}`);
    expect((await target.readAll()).map((e) => `${e.stream}@${e.streamVersion}`)).toEqual(sourceVersions);
    expect(await compareLogs(source, target, { until: outcome.last, pageSize: 50 })).toEqual({
      count: archive.length,
    });
  });

  it('stops between batches when interrupted and resumes from its checkpoint without duplicates', async () => {
    const source = await seeded();
    const target = new MemoryEventStore();
    const controller = new AbortController();
    let checkpoint: string | undefined;
    const first = await copyLog({
      source,
      target,
      batchSize: 100,
      signal: controller.signal,
      onBatch: (last, copied) => {
        checkpoint = last;
        if (copied >= 200) controller.abort();
      },
    });
    expect(first).toMatchObject({ copied: 200, interrupted: true, complete: false });
    // A crash after the append but before the checkpoint: the next run repeats a batch.
    const rewound = (await source.readAll({ limit: 100 })).at(-1)!.globalPosition;
    const second = await copyLog({ source, target, batchSize: 150, after: rewound });
    expect(second.complete).toBe(true);
    expect(second.written).toBe(archive.length - 200);
    expect(checkpoint).toBe((await source.readAll({ limit: 200 })).at(-1)!.globalPosition);
    expect(ids(await target.readAll())).toEqual(ids(await source.readAll()));
  });

  it('into EventStoreDB: an outage in the middle of a stream leaves part of it, the next run completes it', async () => {
    const source = new MemoryEventStore();
    const big = () => {
      const e = sampleEvent('MessageCreated');
      return { ...e, data: { ...e.data, text: 'ж'.repeat(250) } } as NewEvent;
    };
    const long = Array.from({ length: 6 }, big);
    await source.append(s(1), long);
    await source.append(s(2), [big()]);
    const fake = new FakeEsdbClient();
    let appends = 0;
    const flaky: EsdbClient = {
      readStream: fake.readStream.bind(fake),
      readAll: fake.readAll.bind(fake),
      subscribeToAll: fake.subscribeToAll.bind(fake),
      dispose: fake.dispose,
      appendToStream: async (name, events, options) => {
        if (++appends === 2) throw Object.assign(new Error('14 UNAVAILABLE: connection reset'), { code: 14 });
        return fake.appendToStream(name, events, options);
      },
    };
    // The append size splits the six events of s(1) into several writes; the outage hits the second.
    const target = new EventStoreDbEventStore({
      url: 'esdb://127.0.0.1:2113',
      client: flaky,
      maxAppendBytes: 1500,
    });
    const first = await copyLog({ source, target, batchSize: 100 }).catch((e: Error) => e);
    expect(first).toBeInstanceOf(StoreUnavailableError);
    const partial = (await target.readStream(s(1))).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(6);
    const second = await copyLog({ source, target, batchSize: 100 });
    expect(second).toMatchObject({ complete: true, copied: 7, written: 7 - partial });
    expect(await compareLogs(source, target, { until: second.last })).toEqual({ count: 7 });
  });

  it('honours a maximum per run', async () => {
    const source = await seeded();
    const target = new MemoryEventStore();
    const outcome = await copyLog({ source, target, batchSize: 100, maxEvents: 250 });
    expect(outcome).toMatchObject({ copied: 250, complete: false, interrupted: false });
    expect(await target.readAll()).toHaveLength(250);
  });

  it('names the first difference between two logs', async () => {
    const source = await seeded(20);
    const short = await seeded(19);
    const head = (await source.readAll()).at(-1)!.globalPosition;
    expect((await compareLogs(source, short, { until: head })).mismatch).toMatch(
      /^event #20 is .* in the source but nothing in the target$/,
    );
    const longer = await seeded(20);
    await longer.append(streams.message('1', peer('user', '2'), 1), [sampleEvent('MessagePinned')]);
    expect((await compareLogs(source, longer, { until: head })).mismatch).toMatch(/target has more events/);
    const reordered = new MemoryEventStore();
    const events = archive.slice(0, 20);
    await reordered.appendBatch(toAppendRequests([events[1]!, events[0]!, ...events.slice(2)]));
    expect((await compareLogs(source, reordered, { until: head })).mismatch).toMatch(/^event #1 /);
  });
});

describe('JSONL files', () => {
  it('exports atomically and leaves nothing behind when interrupted', async () => {
    const store = await seeded();
    const file = join(dir, 'out.jsonl');
    writeFileSync(file, 'previous export\n');
    const controller = new AbortController();
    const interrupted = await exportLog(store, file, {
      pageSize: 100,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(interrupted).toMatchObject({ interrupted: true, count: 100 });
    expect(readFileSync(file, 'utf8')).toBe('previous export\n');
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
    const done = await exportLog(store, file, { pageSize: 100 });
    expect(done).toEqual({ count: archive.length, interrupted: false });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(archive.length);
    expect(readdirSync(dir)).toEqual(['out.jsonl']);
  });

  it('checks every line and names the bad ones, then reads the good file in batches', async () => {
    const store = await seeded(30);
    const file = join(dir, 'log.jsonl');
    await exportLog(store, file);
    const good = readFileSync(file, 'utf8').trim().split('\n');
    expect(await checkJsonl(file, upcasters)).toEqual({ count: 30, problems: [] });
    const batches = [];
    for await (const batch of readJsonl(file, upcasters, 12)) batches.push(batch.length);
    expect(batches).toEqual([12, 12, 6]);

    const envelope = JSON.parse(good[3]!);
    const lines = [
      good[0],
      '',
      '{"id": 1',
      JSON.stringify({ ...envelope, type: 'MessageVanished' }),
      JSON.stringify({ ...envelope, id: 'not-a-uuid' }),
      JSON.stringify({ ...envelope, stream: 'message-1' }),
      JSON.stringify({ ...envelope, streamVersion: -1 }),
      JSON.stringify({ ...envelope, data: null }),
      good[1],
      // good[0] and good[1] are versions 0 and 1 of the account stream; this one skips to 3.
      JSON.stringify({ ...JSON.parse(good[0]!), id: randomUUID(), streamVersion: 3 }),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { problems } = await checkJsonl(file, upcasters);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 10]);
    expect(problems[0]!.message).toMatch(/^not valid JSON/);
    expect(problems[1]!.message).toBe("unknown event type 'MessageVanished'");
    expect(problems[2]!.message).toContain('not-a-uuid');
    expect(problems[3]!.message).toContain("Invalid stream name 'message-1'");
    expect(problems[4]!.message).toContain('streamVersion');
    expect(problems[5]!.message).toContain('data must be a JSON object');
    expect(problems[6]!.message).toMatch(/goes from version 1 to 3/);
  });
});

describe('copy checkpoints', () => {
  const a = parseStoreLocation('/tmp/a.sqlite');
  const b = parseStoreLocation('postgres://u:p@h/db');

  it('round-trips and belongs to one pair of stores', () => {
    const path = join(dir, 'cp.json');
    const pair = copyPair(a, b);
    expect(copyPair(b, a)).not.toBe(pair);
    expect(readCheckpoint(path, pair)).toBeUndefined();
    const checkpoint = {
      version: 1 as const,
      pair,
      from: a.display,
      to: b.display,
      after: '42',
      copied: 42,
      updatedAt: 'now',
    };
    writeCheckpoint(path, checkpoint);
    expect(readCheckpoint(path, pair)).toEqual(checkpoint);
    expect(readdirSync(dir)).toEqual(['cp.json']);
    expect(readFileSync(path, 'utf8')).not.toContain(':p@');
    expect(() => readCheckpoint(path, copyPair(b, a))).toThrow(/belongs to a copy from/);
  });

  it('refuses an unreadable checkpoint with the way out', () => {
    const path = join(dir, 'cp.json');
    writeFileSync(path, '{"version":');
    expect(() => readCheckpoint(path, 'x')).toThrow(CliFailure);
    expect(() => readCheckpoint(path, 'x')).toThrow(/--restart/);
    expect(existsSync(path)).toBe(true);
  });
});

describe('events command line', () => {
  async function cli(...argv: string[]) {
    const { code, out, err } = await runCommands(
      commands,
      [...argv, '--data-dir', dir],
      { env: {}, cwd: dir },
      '0.0.0',
    );
    return { code, stdout: out, stderr: err };
  }

  it('documents every subcommand and option', async () => {
    for (const sub of ['tail', 'show', 'export', 'import', 'copy']) {
      const help = await cli('events', sub, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: telegram-archive events ${sub}`);
      expect(help.stdout).toContain('Examples:');
    }
  });

  it('rejects bad arguments before touching any store', async () => {
    const cases: [string[], string][] = [
      [['events', 'show'], '--stream is required'],
      [
        ['events', 'show', '--stream', 'chat-1.u1', '--from-version=-1'],
        '--from-version must be a whole number',
      ],
      [['events', 'tail', '--type', 'MessageVanished'], "Unknown event type 'MessageVanished'"],
      [['events', 'export'], '--jsonl is required'],
      [
        ['events', 'import', '--jsonl', 'x', '--batch-size', '0'],
        '--batch-size must be a whole number of at least 1',
      ],
      [['events', 'copy', '--to', 'x.sqlite'], '--from is required'],
      [
        ['events', 'copy', '--from', 'a.sqlite', '--to', 'sqlite:a.sqlite'],
        '--from and --to name the same store',
      ],
      [['events', 'copy', '--from', 'a.sqlite', '--to', 'esdb://'], '--to: '],
      [
        ['events', 'copy', '--from', 'a.sqlite', '--to', 'b.sqlite', '--max-events', 'all'],
        '--max-events must be',
      ],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(...argv);
      expect([argv, result.code]).toEqual([argv, 2]);
      expect(result.stderr).toContain(message);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a source that does not exist instead of creating it', async () => {
    const result = await cli(
      'events',
      'copy',
      '--from',
      join(dir, 'absent.sqlite'),
      '--to',
      join(dir, 'b.sqlite'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The source SQLite file ${join(dir, 'absent.sqlite')} does not exist`);
    expect(existsSync(join(dir, 'absent.sqlite'))).toBe(false);
  });
});
