// A small validator for the subset of JSON Schema 2020-12 that schema/events uses: type, enum,
// properties, required, additionalProperties, items, local $ref, minimum, minLength, pattern and
// format date-time. Any other keyword is reported as unsupported, so a schema cannot silently rely
// on something this validator ignores.
export type JsonSchema = Record<string, unknown>;

const SUPPORTED = new Set([
  '$schema',
  '$id',
  '$defs',
  '$ref',
  'title',
  'description',
  'x-schema-version',
  'type',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minimum',
  'minLength',
  'pattern',
  'format',
]);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const matchesType = (actual: string, wanted: string) =>
  actual === wanted || (wanted === 'number' && actual === 'integer');

/** Every violation as `path: message`; empty when `value` is valid. */
export function validate(schema: JsonSchema, value: unknown): string[] {
  const errors: string[] = [];
  const root = schema;
  const visit = (node: JsonSchema, at: unknown, path: string) => {
    for (const keyword of Object.keys(node))
      if (!SUPPORTED.has(keyword)) errors.push(`${path}: unsupported keyword '${keyword}' in the schema`);
    if (typeof node.$ref === 'string') {
      const match = /^#\/\$defs\/(.+)$/.exec(node.$ref);
      const target = match ? (root.$defs as Record<string, JsonSchema> | undefined)?.[match[1]!] : undefined;
      if (!target) errors.push(`${path}: unresolvable $ref ${node.$ref}`);
      else visit(target, at, path);
    }
    const actual = typeOf(at);
    if (node.type !== undefined) {
      const wanted = Array.isArray(node.type) ? (node.type as string[]) : [node.type as string];
      if (!wanted.some((w) => matchesType(actual, w))) {
        errors.push(`${path}: expected ${wanted.join(' or ')}, got ${actual}`);
        return;
      }
    }
    if (Array.isArray(node.enum) && !node.enum.includes(at))
      errors.push(`${path}: ${JSON.stringify(at)} is not one of ${JSON.stringify(node.enum)}`);
    if (typeof node.minimum === 'number' && typeof at === 'number' && at < node.minimum)
      errors.push(`${path}: ${at} is below the minimum ${node.minimum}`);
    if (typeof at === 'string') {
      if (typeof node.minLength === 'number' && [...at].length < node.minLength)
        errors.push(`${path}: shorter than ${node.minLength}`);
      if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(at))
        errors.push(`${path}: '${at}' does not match ${node.pattern}`);
      if (node.format === 'date-time' && (!ISO_DATE_TIME.test(at) || Number.isNaN(Date.parse(at))))
        errors.push(`${path}: '${at}' is not an ISO-8601 date-time`);
    }
    if (actual === 'array' && node.items !== undefined)
      (at as unknown[]).forEach((item, i) => {
        visit(node.items as JsonSchema, item, `${path}[${i}]`);
      });
    if (actual === 'object') {
      const object = at as Record<string, unknown>;
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      for (const name of (node.required ?? []) as string[])
        if (!Object.hasOwn(object, name)) errors.push(`${path}: missing required '${name}'`);
      for (const [name, child] of Object.entries(object)) {
        if (child === undefined) continue;
        if (Object.hasOwn(properties, name)) visit(properties[name]!, child, `${path}.${name}`);
        else if (node.additionalProperties === false) errors.push(`${path}: unexpected property '${name}'`);
        else if (typeof node.additionalProperties === 'object')
          visit(node.additionalProperties as JsonSchema, child, `${path}.${name}`);
      }
    }
  };
  visit(schema, value, '$');
  return errors;
}
