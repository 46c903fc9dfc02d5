// Health: is this deployment doing its job? Checks the event store answers, projector and relay
// keep up with the log, and the listener is connected (from its status file). Pure verdicts over
// gathered facts, so each rule is testable without servers; `telegram-archive health` gathers.
export * from './checks.ts';
export * from './status-file.ts';
