// The command-line shell: one `telegram-archive` binary with a subcommand per role. Commands are
// thin: they read the configuration, open the stores and hand over to ingest, projections, relay
// or viewer code.
export { commands } from './commands/index.ts';
export { runCli } from './run-cli.ts';
