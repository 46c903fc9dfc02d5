// A long-running child process of the real executable (serve, run, demo): wait for a line of its
// output, then stop it the way a user does and collect how it ended.
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN } from './cli.ts';
import { waitFor } from './wait.ts';

export interface RunningProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout or stderr matches, returning the match. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends the signal and resolves with the exit code (kills after timeoutMs). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function startBin(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): RunningProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      waitFor(
        () => {
          if (child.exitCode !== null) {
            throw new Error(
              `process exited with ${child.exitCode} before printing ${pattern}:\n${out}\n${err}`,
            );
          }
          return (out.match(pattern) ?? err.match(pattern)) || undefined;
        },
        `output matching ${pattern}`,
        timeoutMs,
        20,
      ),
    async stop(signal = 'SIGINT', timeoutMs = 10_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
