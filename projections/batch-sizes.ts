// How many events the projector applies per transaction, in one place for the runner, the rebuild
// and the command line's help (which must not load the projector to print them).

/**
 * Events per transaction while catching up. Much of a commit's cost is per page it dirties, and a
 * larger batch touches the same pages (a chat's newest messages and index entries) many times over
 * for one write each: 5,000 projects faster than 2,000, in less CPU.
 */
export const DEFAULT_BATCH_SIZE = 5000;

/**
 * A rebuild's transactions are smaller than a running projector's: without secondary indexes and
 * unsynced, one costs little to commit, while the rows a batch holds until its commit are what a
 * rebuild's memory grows with.
 */
export const REBUILD_BATCH_SIZE = 500;
