// Upcasters: stored payloads are never rewritten. When a type's schema moves to a new version, one
// registered function per step lifts old data to the next version, and the store applies the chain
// on read until the data reaches the current version in SCHEMA_VERSIONS.
import { type EventType, SCHEMA_VERSIONS } from './catalogue.ts';
import type { EventMetadata } from './envelope.ts';

export type PayloadObject = Record<string, unknown>;

/** Lifts `data` of `type` from `fromVersion` to `fromVersion + 1`. Pure: return a new object. */
export interface UpcastStep {
  readonly type: EventType;
  readonly fromVersion: number;
  readonly upcast: (data: PayloadObject, metadata: EventMetadata) => PayloadObject;
}

/** Why a stored payload cannot be brought to the current version; adapters wrap it in CorruptEventError. */
export class UpcastError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpcastError';
  }
}

export class UpcasterRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpcasterRegistryError';
  }
}

export interface Upcasters {
  /** The version writers produce and readers receive for `type`. */
  currentVersion(type: EventType): number;
  /** `data` written at `version`, lifted to the current version. Throws UpcastError. */
  upcast(type: EventType, version: number, data: PayloadObject, metadata: EventMetadata): PayloadObject;
}

/**
 * Builds a registry and checks it up front: every version below the current one needs exactly one
 * step, so a missing or doubled step fails at start-up instead of on the first old event read.
 */
export function createUpcasters(
  currentVersions: Readonly<Record<EventType, number>>,
  steps: readonly UpcastStep[],
): Upcasters {
  const byKey = new Map<string, UpcastStep>();
  for (const step of steps) {
    const key = `${step.type}@${step.fromVersion}`;
    const current = currentVersions[step.type];
    if (current === undefined) throw new UpcasterRegistryError(`upcaster for unknown type '${step.type}'`);
    if (!Number.isInteger(step.fromVersion) || step.fromVersion < 1 || step.fromVersion >= current)
      throw new UpcasterRegistryError(
        `upcaster ${key} is outside 1..${current - 1}, the versions below the current ${current}`,
      );
    if (byKey.has(key)) throw new UpcasterRegistryError(`two upcasters registered for ${key}`);
    byKey.set(key, step);
  }
  for (const [type, current] of Object.entries(currentVersions)) {
    for (let version = 1; version < current; version++)
      if (!byKey.has(`${type}@${version}`))
        throw new UpcasterRegistryError(
          `${type} is at version ${current} but no upcaster lifts version ${version} to ${version + 1}`,
        );
  }
  return {
    currentVersion: (type) => currentVersions[type],
    upcast(type, version, data, metadata) {
      const current = currentVersions[type];
      if (version === current) return data;
      if (!Number.isInteger(version) || version < 1)
        throw new UpcastError(`schema version ${String(version)} is not a positive whole number`);
      if (version > current)
        throw new UpcastError(
          `schema version ${version} is newer than this build reads (${type} v${current}); upgrade telegram-archive`,
        );
      let lifted = data;
      for (let v = version; v < current; v++) {
        const step = byKey.get(`${type}@${v}`)!;
        try {
          lifted = step.upcast(lifted, metadata);
        } catch (error) {
          throw new UpcastError(
            `upcasting ${type} from v${v} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      return lifted;
    },
  };
}

/**
 * The real registry. When a payload changes incompatibly: bump SCHEMA_VERSIONS, add the new payload
 * interface and schema, and register the step from the previous version here.
 */
const STEPS: readonly UpcastStep[] = [];

export const upcasters: Upcasters = createUpcasters(SCHEMA_VERSIONS, STEPS);
