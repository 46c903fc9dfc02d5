// The shared contract against a real EventStoreDB (22.6 or newer), only when EVENTSTORE_URL points
// at one, e.g. `EVENTSTORE_URL='esdb://localhost:2113?tls=false' npm run test:contract` with the
// docker-compose service running. A server is shared and never empty, so each test gets its own
// namespace of streams. Without EVENTSTORE_URL the suite is reported as skipped with a notice,
// also in CI: no EventStoreDB runs there.
import { randomBytes } from 'node:crypto';
import { describe, test } from '@jest/globals';
import { NO_ID_INDEX, openEventStoreDb } from '../../src/eventstore/eventstoredb.ts';
import { eventStoreContract } from './eventstore-contract.ts';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('eventstoredb (real server)', async (options) => {
    const store = await openEventStoreDb({
      url,
      namespace: `t${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`,
      upcasters: options?.upcasters,
    });
    return { store, cleanup: () => store.close(), noGlobalIdIndex: NO_ID_INDEX };
  });
} else {
  process.stderr.write(
    "\n[notice] EventStoreDB contract suite did not run: set EVENTSTORE_URL (e.g. 'esdb://localhost:2113?tls=false') to run it against a real server\n",
  );
  describe.skip('eventstoredb (real server): EventStore contract (needs EVENTSTORE_URL)', () => {
    test('runs only against a real server', () => undefined);
  });
}
