// The in-memory adapter against the shared contract.
import { MemoryEventStore } from '../../src/eventstore/memory.ts';
import { eventStoreContract } from './eventstore-contract.ts';

eventStoreContract('memory', async (options) => {
  const store = new MemoryEventStore({ upcasters: options?.upcasters });
  return {
    store,
    cleanup: () => store.close(),
    corrupt: async (eventId) => store.corruptForTesting(eventId),
  };
});
