// The read model: MikroORM tables derived from the event log by set-based projector handlers, kept
// in step with the log by a checkpointed runner, rebuildable into a fresh copy at any time.
export * from './entities/index.ts';
