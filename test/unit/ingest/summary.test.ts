import { describe, expect, it } from '@jest/globals';
import { type RunSummary, renderSummaryTable, totals } from '../../../src/ingest/backfill/summary.ts';

const summary: RunSummary = {
  chats: [
    {
      chat: 'News (-1003000)',
      mode: 'catch-up',
      status: 'completed',
      fetched: 10_000,
      created: 9_990,
      edited: 3,
      deleted: 0,
      floodWaits: 1,
      durationMs: 4_200,
    },
    {
      chat: '-1009999',
      mode: 'catch-up',
      status: 'failed',
      fetched: 0,
      created: 0,
      edited: 0,
      deleted: 0,
      floodWaits: 0,
      durationMs: 10,
      reason: 'chat not found: no dialog or message history for id -1009999',
    },
  ],
  media: { downloaded: 12, deduplicated: 2, skipped: 3, deferred: 1, bytes: 5 * 1024 * 1024 },
  floodWaits: 1,
  durationMs: 65_000,
};

describe('run summary', () => {
  it('adds up the chats', () => {
    expect(totals(summary)).toMatchObject({
      chats: 2,
      completed: 1,
      failed: 1,
      fetched: 10_000,
      created: 9_990,
      edited: 3,
      mediaDownloaded: 12,
      mediaSkipped: 3,
      floodWaits: 1,
    });
  });

  it('renders an aligned table with totals, media and the reasons for failures', () => {
    const text = renderSummaryTable(summary);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^chat\s+mode\s+status\s+fetched\s+created\s+edited\s+deleted\s+flood waits\s+time$/,
    );
    expect(lines[2]).toMatch(
      /^News \(-1003000\)\s+catch-up\s+completed\s+10000\s+9990\s+3\s+0\s+1\s+4\.2 s$/,
    );
    expect(text).toContain('total (2 chats)');
    expect(text).toContain('1 min 5 s');
    expect(text).toContain(
      'media: 12 downloaded (5.0 MB, 2 already archived), 3 skipped, 1 left for the next run',
    );
    expect(text).toContain('  -1009999: failed: chat not found');
    // every table row has the same width up to its last column
    const widths = new Set(
      lines
        .slice(0, 6)
        .filter((l) => l.startsWith('-'))
        .map((l) => l.length),
    );
    expect(widths.size).toBe(1);
  });
});
