// The update-state file: atomic, private, and a clear error for a file that cannot be trusted.

import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  UpdateStateFile,
  UpdateStateFileError,
  updateStatePath,
} from '../../../src/ingest/update-state/state-file.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'ta-state-'));
const valid = {
  version: 1 as const,
  account: '42',
  common: { pts: 10, qts: 0, date: 1700000000, seq: 3 },
  channels: { '70': { pts: 5, accessHash: '-1' } },
  savedAt: '2024-01-01T00:00:00.000Z',
};

describe('UpdateStateFile', () => {
  it('round-trips the state with mode 0600 and knows nothing before the first save', () => {
    const file = new UpdateStateFile(dataDir(), '42');
    expect(file.load()).toBeUndefined();
    file.save(valid);
    expect(file.load()).toEqual(valid);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another account', JSON.stringify({ ...valid, account: '7' })],
    ['a missing pts', JSON.stringify({ ...valid, common: { qts: 0, date: 1, seq: 0 } })],
    ['a broken channel', JSON.stringify({ ...valid, channels: { '70': { pts: -1 } } })],
    ['an unknown version', JSON.stringify({ ...valid, version: 2 })],
  ])('refuses %s with a clear error', (_what, text) => {
    const dir = dataDir();
    const path = updateStatePath(dir, '42');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    expect(() => new UpdateStateFile(dir, '42').load()).toThrow(UpdateStateFileError);
  });
});
