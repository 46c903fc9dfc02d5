// Deciders: pure functions from (current state, observation) to the events that record a real change.
// The listener and the backfiller share them; where an observation came from goes into metadata only.
export { decideAccountLinked, decideGap, decideUnresolvedDeletion } from './account.ts';
export { decideChat, decideMigration, decideUser } from './chat.ts';
export { metadataOf, newEvent } from './events.ts';
export { decideDeletion, decideMessage, decidePin, decideReactions } from './message.ts';
