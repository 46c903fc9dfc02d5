// Every command of the telegram-archive binary. Only implemented commands belong here.
import type { Command } from '../command.ts';
import { authCommand } from './auth.ts';
import { backfillCommand } from './backfill.ts';
import { configCommand } from './config.ts';
import { demoCommand } from './demo.ts';
import { eventsCommand } from './events.ts';
import { healthCommand } from './health.ts';
import { listenCommand } from './listen.ts';
import { projectionsCommand } from './projections.ts';
import { relayCommand } from './relay.ts';
import { runCommand } from './run.ts';
import { serveCommand } from './serve.ts';
import { versionCommand } from './version.ts';
import { viewerCommand } from './viewer.ts';

export const commands: readonly Command[] = [
  runCommand,
  demoCommand,
  authCommand,
  listenCommand,
  backfillCommand,
  projectionsCommand,
  serveCommand,
  relayCommand,
  configCommand,
  eventsCommand,
  healthCommand,
  viewerCommand,
  versionCommand,
];
