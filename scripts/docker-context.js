// Copies the files a `docker build` would send as its context into a directory: every file git
// knows (tracked or new, not gitignored) that .dockerignore does not exclude. Used by
// scripts/image-smoke.sh to rehearse the image build where no Docker engine runs.
// Usage: node scripts/docker-context.js <repo> <destination>
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [repo, destination] = process.argv.slice(2);
if (!repo || !destination) {
  process.stderr.write('usage: node scripts/docker-context.js <repo> <destination>\n');
  process.exit(2);
}

/** .dockerignore patterns as [regex, negated], in order; the last match decides (as in Docker). */
function rules(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '*' && pattern[i + 1] === '*') {
          source += '.*';
          i += 1;
          if (pattern[i + 1] === '/') i += 1;
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      // A pattern naming a directory excludes everything below it.
      return [new RegExp(`^${source}(/.*)?$`), negated];
    });
}

const ignore = rules(readFileSync(join(repo, '.dockerignore'), 'utf8'));
const excluded = (path) => {
  let result = false;
  for (const [regex, negated] of ignore) if (regex.test(path)) result = !negated;
  return result;
};

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repo })
  .toString()
  .split('\0')
  .filter(Boolean);
let copied = 0;
for (const file of files) {
  if (excluded(file)) continue;
  const from = join(repo, file);
  try {
    if (!statSync(from).isFile()) continue;
  } catch {
    continue; // deleted in the work tree but still tracked
  }
  const to = join(destination, file);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  copied += 1;
}
process.stdout.write(`${copied} files in the build context\n`);
