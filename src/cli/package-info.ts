// Locates the installed package root (for package.json, schema/ and other shipped files), whether
// we run from src/ in a checkout or from dist/src/ in an installed package.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'telegram-archive')
      return dir;
    if (dirname(dir) === dir) throw new Error(`package.json of telegram-archive not found above ${from}`);
  }
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}
