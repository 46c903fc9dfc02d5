// Keeps schema/events/*.json in step with the TypeScript payloads: the same set of types, the same
// fields, optionality, enums and nesting (read from the compiler, not restated here), and the typed
// sample payloads of every type validate against their schema.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import ts from 'typescript';
import { EVENT_TYPES, type EventType, SCHEMA_VERSIONS } from '../../src/events/catalogue.ts';
import { type JsonSchema, validate } from '../support/json-schema.ts';
import { completeSamples, minimalSamples } from '../support/sample-events.ts';

const schemaDir = fileURLToPath(new URL('../../schema/events/', import.meta.url));
const catalogueFile = fileURLToPath(new URL('../../src/events/catalogue.ts', import.meta.url));
const schemaOf = (type: string): JsonSchema => JSON.parse(readFileSync(`${schemaDir}${type}.json`, 'utf8'));

type Shape =
  | { kind: 'string' | 'number' | 'boolean' | 'null' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'union'; of: Shape[] }
  | { kind: 'array'; items: Shape }
  | { kind: 'record'; values: Shape }
  | { kind: 'object'; properties: Record<string, { optional: boolean; shape: Shape }> };

const sortShapes = (shapes: Shape[]): Shape[] => {
  const seen = new Map(shapes.map((s) => [JSON.stringify(s), s]));
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s);
};

/** The shape of a TypeScript type, as the compiler sees it. */
function typeShape(type: ts.Type, checker: ts.TypeChecker): Shape {
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    if (parts.every((t) => t.isStringLiteral()))
      return { kind: 'enum', values: parts.map((t) => (t as ts.StringLiteralType).value).sort() };
    const shapes = sortShapes(parts.map((t) => typeShape(t, checker)));
    return shapes.length === 1 ? shapes[0]! : { kind: 'union', of: shapes };
  }
  if (type.flags & ts.TypeFlags.String) return { kind: 'string' };
  if (type.flags & ts.TypeFlags.Number) return { kind: 'number' };
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { kind: 'boolean' };
  if (type.flags & ts.TypeFlags.Null) return { kind: 'null' };
  if (type.isStringLiteral()) return { kind: 'enum', values: [type.value] };
  if (checker.isArrayType(type))
    return {
      kind: 'array',
      items: typeShape(checker.getTypeArguments(type as ts.TypeReference)[0]!, checker),
    };
  const properties = checker.getPropertiesOfType(type);
  const index = checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.String);
  if (index && properties.length === 0) return { kind: 'record', values: typeShape(index.type, checker) };
  if (type.flags & ts.TypeFlags.Object)
    return {
      kind: 'object',
      properties: Object.fromEntries(
        properties.map((p) => [
          p.name,
          {
            optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
            shape: typeShape(checker.getTypeOfSymbol(p), checker),
          },
        ]),
      ),
    };
  throw new Error(`no shape for TypeScript type ${checker.typeToString(type)}`);
}

/** The shape a JSON Schema describes, in the same terms. */
function schemaShape(node: JsonSchema, root: JsonSchema): Shape {
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/$defs/', '');
    return schemaShape((root.$defs as Record<string, JsonSchema>)[name]!, root);
  }
  if (Array.isArray(node.enum)) return { kind: 'enum', values: [...(node.enum as string[])].sort() };
  if (Array.isArray(node.type))
    return {
      kind: 'union',
      of: sortShapes((node.type as string[]).map((t) => schemaShape({ type: t }, root))),
    };
  switch (node.type) {
    case 'string':
    case 'boolean':
    case 'null':
      return { kind: node.type };
    case 'integer':
    case 'number':
      return { kind: 'number' };
    case 'array':
      return { kind: 'array', items: schemaShape(node.items as JsonSchema, root) };
    case 'object': {
      if (node.properties === undefined)
        return { kind: 'record', values: schemaShape(node.additionalProperties as JsonSchema, root) };
      const required = new Set((node.required ?? []) as string[]);
      return {
        kind: 'object',
        properties: Object.fromEntries(
          Object.entries(node.properties as Record<string, JsonSchema>).map(([name, child]) => [
            name,
            { optional: !required.has(name), shape: schemaShape(child, root) },
          ]),
        ),
      };
    }
    default:
      throw new Error(`no shape for schema node ${JSON.stringify(node)}`);
  }
}

function payloadShapes(): Map<string, Shape> {
  const program = ts.createProgram([catalogueFile], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(catalogueFile)!;
  const declaration = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'EventPayloads',
  )!;
  const payloads = checker.getTypeAtLocation(declaration);
  return new Map(
    checker
      .getPropertiesOfType(payloads)
      .map((p) => [p.name, typeShape(checker.getTypeOfSymbol(p), checker)]),
  );
}

describe('event schemas', () => {
  test('there is exactly one schema file per event type', () => {
    const files = readdirSync(schemaDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...EVENT_TYPES].sort());
  });

  test.each(EVENT_TYPES)('%s: draft 2020-12, named, at the current schema version', (type) => {
    const schema = schemaOf(type);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe(type);
    expect(schema['x-schema-version']).toBe(SCHEMA_VERSIONS[type]);
    expect(schema.additionalProperties).toBe(false);
  });

  describe('match the TypeScript payloads field by field', () => {
    const shapes = payloadShapes();
    test('the compiler sees every catalogued type', () => {
      expect([...shapes.keys()].sort()).toEqual([...EVENT_TYPES].sort());
    });
    test.each(EVENT_TYPES)('%s', (type) => {
      const schema = schemaOf(type);
      expect(schemaShape(schema, schema)).toEqual(shapes.get(type));
    });
  });

  describe('accept the typed samples and reject broken ones', () => {
    test.each(EVENT_TYPES)('%s', (type: EventType) => {
      const schema = schemaOf(type);
      const complete = completeSamples[type] as unknown as Record<string, unknown>;
      const minimal = minimalSamples[type] as unknown as Record<string, unknown>;
      expect(validate(schema, complete)).toEqual([]);
      expect(validate(schema, minimal)).toEqual([]);
      expect(Object.keys(complete).sort()).toEqual(Object.keys(schema.properties as object).sort());
      expect(Object.keys(minimal).sort()).toEqual([...(schema.required as string[])].sort());
      for (const field of schema.required as string[]) {
        const { [field]: _dropped, ...rest } = complete;
        expect(validate(schema, rest)).toContain(`$: missing required '${field}'`);
      }
      expect(validate(schema, { ...complete, surprise: 1 })).toContain("$: unexpected property 'surprise'");
      for (const field of Object.keys(complete)) {
        const wrong = typeof complete[field] === 'string' ? 42 : 'wrong';
        expect(validate(schema, { ...complete, [field]: wrong }).length).toBeGreaterThan(0);
      }
    });
  });

  test('the validator reports keywords it does not implement', () => {
    expect(validate({ type: 'string', maxLength: 3 }, 'abcd')).toEqual([
      "$: unsupported keyword 'maxLength' in the schema",
    ]);
    expect(validate({ type: 'string', format: 'date-time' }, '2024-13-45')).toHaveLength(1);
  });
});
