import { describe, expect, it } from '@jest/globals';
import { BackfillArgumentError, backfillRequest, parseDate } from '../../../src/ingest/backfill/request.ts';

const base = { chats: [], all: false, full: false, verify: false };

describe('backfill arguments', () => {
  it('reads days as whole UTC days and timestamps as given', () => {
    expect(parseDate('--since', '2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseDate('--until', '2024-05-01')).toBe(Date.UTC(2024, 4, 2) - 1);
    expect(parseDate('--since', '2024-05-01T12:30:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10, 30));
    expect(parseDate('--until', '2024-02-29T00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('rejects what is not a date, naming the flag and the accepted forms', () => {
    for (const bad of ['2024-13-01', '2023-02-29', 'yesterday', '1714521600', '2024-05-01 12:00', '']) {
      expect(() => parseDate('--since', bad)).toThrow(BackfillArgumentError);
    }
    expect(() => parseDate('--until', 'soon')).toThrow(
      "--until 'soon' is not a date: use YYYY-MM-DD (UTC) or an ISO timestamp like 2024-05-01T12:00:00Z",
    );
  });

  it('builds the request and picks the mode', () => {
    expect(backfillRequest({ ...base, chats: ['@a_chat', '-100123'] })).toEqual({
      chats: ['@a_chat', '-100123'],
      all: false,
      mode: 'catch-up',
      since: undefined,
      until: undefined,
    });
    expect(backfillRequest({ ...base, all: true, full: true }).mode).toBe('full');
    expect(backfillRequest({ ...base, all: true, verify: true, since: '2024-01-01' })).toMatchObject({
      mode: 'verify',
      since: Date.UTC(2024, 0, 1),
    });
  });

  it('refuses contradictory or empty requests', () => {
    expect(() => backfillRequest(base)).toThrow(
      'Name the chats to backfill with --chat (repeatable), or use --all',
    );
    expect(() => backfillRequest({ ...base, all: true, chats: ['x'] })).toThrow('either --chat or --all');
    expect(() => backfillRequest({ ...base, all: true, full: true, verify: true })).toThrow('either --full');
    expect(() => backfillRequest({ ...base, all: true, since: '2024-06-01', until: '2024-05-01' })).toThrow(
      '--since 2024-06-01 is after --until 2024-05-01',
    );
  });
});
