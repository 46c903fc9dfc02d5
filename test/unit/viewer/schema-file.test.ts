// schema/schema.graphql is generated from the code; this test fails when someone changes a type and
// forgets to regenerate it (npm run schema:print).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { commands } from '../../../src/cli/commands/index.ts';
import { printViewerSchema } from '../../../src/viewer/schema/index.ts';
import { runCommands } from '../../support/cli-in-process.ts';

const SCHEMA_FILE = new URL('../../../schema/schema.graphql', import.meta.url);

async function cli(argv: string[]) {
  return runCommands(commands, argv, { env: {}, cwd: tmpdir() }, '0.0.0');
}

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (regenerate with: npm run schema:print)', () => {
    const checkedIn = readFileSync(SCHEMA_FILE, 'utf8');
    const generated = printViewerSchema();
    if (checkedIn !== generated) {
      throw new Error('schema/schema.graphql is stale: run `npm run schema:print` and commit the result');
    }
    expect(generated).toContain('type Query');
    expect(generated).toContain('type Subscription');
  });

  it('is what `viewer print-schema` prints, and --check tells a stale copy apart', async () => {
    const printed = await cli(['viewer', 'print-schema']);
    expect(printed.code).toBe(0);
    expect(printed.out).toBe(printViewerSchema());

    const dir = mkdtempSync(join(tmpdir(), 'ta-schema-'));
    const file = join(dir, 'schema.graphql');
    writeFileSync(file, printViewerSchema());
    expect((await cli(['viewer', 'print-schema', '--check', file])).code).toBe(0);
    writeFileSync(file, printViewerSchema().replace('type Query', 'type Querry'));
    const stale = await cli(['viewer', 'print-schema', '--check', file]);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain(
      `is stale: regenerate it with 'telegram-archive viewer print-schema --out ${file}'`,
    );
    const written = await cli(['viewer', 'print-schema', '--out', file]);
    expect(written.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(printViewerSchema());
  });
});
