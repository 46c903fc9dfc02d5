// The in-process signal after each committed batch: which events were applied and to which chats.
// The viewer's live subscriptions listen here; nothing is emitted for a batch that rolled back.
import { EventEmitter, on } from 'node:events';
import type { CheckpointState } from './apply.ts';
import type { AppliedEvent } from './model.ts';

export interface AppliedBatch {
  /** The read-model copy the batch was written to. */
  readonly copy: string;
  readonly events: readonly AppliedEvent[];
  readonly checkpoint: CheckpointState;
}

export interface CopySwitched {
  readonly from: string | undefined;
  readonly to: string;
}

interface NotifierEvents {
  batch: [AppliedBatch];
  switched: [CopySwitched];
}

export class ProjectionNotifier extends EventEmitter<NotifierEvents> {
  constructor() {
    super();
    this.setMaxListeners(0); // one listener per live subscription
  }

  /** Applied batches as an async iterator, until `signal` aborts. */
  async *batches(signal: AbortSignal): AsyncGenerator<AppliedBatch> {
    try {
      for await (const [batch] of on(this, 'batch', { signal }) as AsyncIterableIterator<[AppliedBatch]>)
        yield batch;
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }
}
