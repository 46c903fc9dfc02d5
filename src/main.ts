// Entry point of the telegram-archive binary: one process, one subcommand per role (see DESIGN.md).
// It wires signals to an AbortSignal so long-running roles stop cleanly, then hands over to the CLI.
import { commands } from './cli/commands/index.ts';
import { packageVersion } from './cli/package-info.ts';
import { runCli } from './cli/run-cli.ts';

// `telegram-archive events show … | head` closes our stdout early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const shutdown = new AbortController();
let signals = 0;
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    signals += 1;
    if (signals > 1) process.exit(130); // a second Ctrl-C means "now"
    shutdown.abort(new Error(`received ${name}`));
  });
}

const code = await runCli(
  commands,
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    signal: shutdown.signal,
  },
  packageVersion(),
);
process.exitCode = code;
