// Child process for the run-lock test: takes the lock, says so, and holds it until killed or told
// to release it on stdin.
import { acquireRunLock, RunLockBusyError } from '../../src/ingest/backfill/run-lock.ts';

const path = process.argv[2]!;
try {
  const lock = acquireRunLock(path, 'test holder');
  process.stdout.write('LOCKED\n');
  process.stdin.on('data', () => {
    lock.release();
    process.stdout.write('RELEASED\n');
    process.exit(0);
  });
} catch (error) {
  process.stdout.write(
    error instanceof RunLockBusyError ? `BUSY ${error.holder?.pid}\n` : `ERROR ${error}\n`,
  );
  process.exit(3);
}
