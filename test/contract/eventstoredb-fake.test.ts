// The EventStoreDB adapter against the shared contract, over the in-memory fake of the client
// (test/support/fake-esdb-client.ts documents which server behaviour it models). The same suite
// runs against a real server in eventstoredb-real.test.ts when EVENTSTORE_URL is set.
import { EventStoreDbEventStore, NO_ID_INDEX } from '../../src/eventstore/eventstoredb.ts';
import { FakeEsdbClient } from '../support/fake-esdb-client.ts';
import { eventStoreContract } from './eventstore-contract.ts';

eventStoreContract('eventstoredb (fake client)', async (options) => {
  const client = new FakeEsdbClient();
  // A small page makes every readAll cross several pages of $all, system events included.
  const store = new EventStoreDbEventStore({
    url: 'esdb://admin:changeit@127.0.0.1:2113?tls=false',
    client,
    upcasters: options?.upcasters,
    pageSize: 4,
  });
  return {
    store,
    cleanup: () => store.close(),
    corrupt: async (eventId) => client.corrupt(eventId),
    noGlobalIdIndex: NO_ID_INDEX,
  };
});
