// Where an event log lives, as a user types it on the command line: a SQLite file path (or
// sqlite:/file: URL), postgres://… or esdb://…. Parsing is strict so a typo fails with a message
// that says what is accepted, before anything is opened or created.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactUrl } from '../../config/index.ts';
import { redactConnectionString } from '../../eventstore/eventstoredb.ts';

export type StoreKind = 'sqlite' | 'postgres' | 'eventstoredb';

export interface StoreLocation {
  readonly kind: StoreKind;
  /** A file path for sqlite, the URL otherwise. */
  readonly location: string;
  /** For messages and logs: passwords redacted. */
  readonly display: string;
}

export class StoreLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreLocationError';
  }
}

const ACCEPTED = 'a SQLite file path, sqlite:PATH, postgres://… or esdb://…';

export function parseStoreLocation(text: string, cwd = process.cwd()): StoreLocation {
  const value = text.trim();
  if (value === '') throw new StoreLocationError(`An empty store location: expected ${ACCEPTED}`);
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new StoreLocationError(`'${redactConnectionString(value)}' is not a valid PostgreSQL URL`);
    }
    if (!url.hostname)
      throw new StoreLocationError(`'${redactUrl(value) ?? value}' names no PostgreSQL host`);
    return { kind: 'postgres', location: value, display: redactUrl(value) ?? redactConnectionString(value) };
  }
  if (/^(esdb|kurrentdb)(\+discover)?:\/\//i.test(value)) {
    if (!/^[a-z+]+:\/\/([^/@]*@)?[^/?@:]+/i.test(value))
      throw new StoreLocationError(`'${redactConnectionString(value)}' names no EventStoreDB host`);
    return { kind: 'eventstoredb', location: value, display: redactConnectionString(value) };
  }
  if (/^file:\/\//i.test(value)) {
    const path = fileURLToPath(value);
    return { kind: 'sqlite', location: path, display: path };
  }
  const sqlite = /^sqlite:(\/\/)?(.*)$/i.exec(value);
  if (sqlite) {
    if (!sqlite[2]) throw new StoreLocationError(`'${value}' names no SQLite file`);
    const path = resolve(cwd, sqlite[2]);
    return { kind: 'sqlite', location: path, display: path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme)
    throw new StoreLocationError(`Unsupported store URL scheme '${scheme[1]}:': expected ${ACCEPTED}`);
  const path = isAbsolute(value) ? value : resolve(cwd, value);
  return { kind: 'sqlite', location: path, display: path };
}

/** The same log named twice (copying a store onto itself). */
export function sameLocation(a: StoreLocation, b: StoreLocation): boolean {
  return a.kind === b.kind && a.location === b.location;
}
