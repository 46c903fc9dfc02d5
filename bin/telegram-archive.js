#!/usr/bin/env node
// The `telegram-archive` executable. In a git checkout it runs src/main.ts through Node's type
// stripping; an installed package ships no sources (Node won't strip types under node_modules), so
// it runs the JavaScript that `prepack` built into dist/.
import './check-node.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/main.ts', import.meta.url);
const built = new URL('../dist/src/main.js', import.meta.url);
const useSource = existsSync(fileURLToPath(source));
if (useSource && !process.features.typescript) {
  process.stderr.write(
    `telegram-archive: Node ${process.version} cannot run TypeScript sources: run \`source scripts/use-node24.sh\` or install Node 24.\n`,
  );
  process.exit(1);
}
await import((useSource ? source : built).href);
