// `telegram-archive viewer …`: tools around the GraphQL viewer (the server itself is `serve`).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, stringOption } from '../command.ts';
import { CliFailure } from '../run-cli.ts';

const printSchema: Command = {
  name: 'print-schema',
  summary: 'Print the GraphQL schema (SDL) generated from the code',
  description:
    'schema/schema.graphql is this output, checked in so that API changes show up in review. ' +
    'Regenerate it with --out after changing a type; --check fails when the file is stale.',
  options: {
    out: {
      type: 'string',
      valueName: 'path',
      description: 'Write the schema to this file instead of stdout',
    },
    check: {
      type: 'string',
      valueName: 'path',
      description: 'Exit 1 when this file differs from the generated schema',
    },
  },
  examples: [
    'telegram-archive viewer print-schema --out schema/schema.graphql',
    'telegram-archive viewer print-schema --check schema/schema.graphql',
  ],
  run: async (context) => {
    const { printViewerSchema } = await import('../../viewer/schema/index.ts');
    const sdl = printViewerSchema();
    const out = stringOption(context.options, 'out');
    const check = stringOption(context.options, 'check');
    if (check !== undefined) {
      let current: string;
      try {
        current = readFileSync(resolve(check), 'utf8');
      } catch (error) {
        throw new CliFailure(`Cannot read ${check}: ${(error as Error).message}`);
      }
      if (current !== sdl) {
        throw new CliFailure(
          `${check} is stale: regenerate it with 'telegram-archive viewer print-schema --out ${check}'`,
        );
      }
      context.stdout.write(`${check} is up to date.\n`);
      return 0;
    }
    if (out !== undefined) {
      writeFileSync(resolve(out), sdl);
      context.stdout.write(`Wrote ${out}.\n`);
      return 0;
    }
    context.stdout.write(sdl);
    return 0;
  },
};

export const viewerCommand: Command = {
  name: 'viewer',
  summary: 'Tools for the GraphQL viewer (print the schema)',
  subcommands: [printSchema],
};
