// The upcaster registry: checked when built, applied step by step on read, never past what it knows.
import { describe, expect, test } from '@jest/globals';
import { SCHEMA_VERSIONS } from '../../src/events/catalogue.ts';
import {
  createUpcasters,
  UpcastError,
  UpcasterRegistryError,
  upcasters,
} from '../../src/events/upcasters.ts';
import { completeSamples, sampleMetadata } from '../support/sample-events.ts';

// A hypothetical future: UserObserved v2 joins the names, v3 marks bots as a kind.
const future = { ...SCHEMA_VERSIONS, UserObserved: 3 };
const steps = [
  {
    type: 'UserObserved' as const,
    fromVersion: 1,
    upcast: ({ firstName, lastName, ...rest }: Record<string, unknown>) => ({
      ...rest,
      name: [firstName, lastName].filter(Boolean).join(' '),
    }),
  },
  {
    type: 'UserObserved' as const,
    fromVersion: 2,
    upcast: ({ bot, ...rest }: Record<string, unknown>) => ({ ...rest, kind: bot ? 'bot' : 'person' }),
  },
];

describe('upcasters', () => {
  test('the real registry is complete for the current catalogue and leaves v1 data alone', () => {
    const data = { ...completeSamples.UserObserved };
    expect(upcasters.currentVersion('UserObserved')).toBe(SCHEMA_VERSIONS.UserObserved);
    expect(upcasters.upcast('UserObserved', 1, data, sampleMetadata())).toBe(data);
  });

  test('applies every step from the written version to the current one, in order', () => {
    const registry = createUpcasters(future, steps);
    const v1 = { userId: '1', firstName: 'Ada', lastName: 'Lovelace', bot: false };
    expect(registry.upcast('UserObserved', 1, v1, sampleMetadata())).toEqual({
      userId: '1',
      name: 'Ada Lovelace',
      kind: 'person',
    });
    expect(
      registry.upcast('UserObserved', 2, { userId: '1', name: 'Bot', bot: true }, sampleMetadata()),
    ).toEqual({
      userId: '1',
      name: 'Bot',
      kind: 'bot',
    });
    expect(v1).toEqual({ userId: '1', firstName: 'Ada', lastName: 'Lovelace', bot: false });
  });

  test('refuses a version newer than it knows, or not a version at all', () => {
    const registry = createUpcasters(future, steps);
    expect(() => registry.upcast('UserObserved', 4, {}, sampleMetadata())).toThrow(UpcastError);
    expect(() => registry.upcast('UserObserved', 4, {}, sampleMetadata())).toThrow(
      /newer than this build reads/,
    );
    expect(() => registry.upcast('UserObserved', 0, {}, sampleMetadata())).toThrow(UpcastError);
  });

  test('names the failing step when an upcaster throws', () => {
    const registry = createUpcasters({ ...SCHEMA_VERSIONS, ChatObserved: 2 }, [
      {
        type: 'ChatObserved',
        fromVersion: 1,
        upcast: () => {
          throw new Error('title missing');
        },
      },
    ]);
    expect(() => registry.upcast('ChatObserved', 1, {}, sampleMetadata())).toThrow(
      'upcasting ChatObserved from v1 failed: title missing',
    );
  });

  test('a gap, a duplicate or a stray step is caught when the registry is built', () => {
    expect(() => createUpcasters(future, [steps[0]!])).toThrow(UpcasterRegistryError);
    expect(() => createUpcasters(future, [steps[0]!])).toThrow(/no upcaster lifts version 2 to 3/);
    expect(() => createUpcasters(future, [...steps, steps[1]!])).toThrow(/two upcasters registered/);
    expect(() => createUpcasters(SCHEMA_VERSIONS, [steps[0]!])).toThrow(/outside 1\.\.0/);
  });
});
