/**
 * Generated bad and edge-case requests from the server's own OpenAPI document (`/docs/json`).
 * Home-made on purpose: a seeded PRNG and a small JSON-Schema walker cover every TypeBox shape the
 * contracts use, and a failing case can be replayed from its seed and index alone.
 *
 * @example
 * const cases = generateCases(openapi, { seed: 1, count: 2000, pathValues });
 */

/** mulberry32: tiny, fast and fully determined by the seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as never,
    chance: (p) => next() < p,
  };
}

export interface Random {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

type Schema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface GeneratedCase {
  readonly index: number;
  readonly operation: string;
  readonly kind: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

/** Strings that broke (or could break) something once: encodings, injection, sizes, numbers. */
export const oddStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'abc\r\nX-Injected: 1',
  '\n',
  '\ud800',
  'x\udfffy',
  'pässwörd-€',
  '😀'.repeat(50),
  '\u202eevil',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00',
  '../../etc/passwd',
  'a'.repeat(5_000),
  'b'.repeat(70_000),
  '9223372036854775808',
  '1e20',
  '-1',
  'NaN',
  'null',
  'true',
  '{}',
  '00000000-0000-0000-0000-000000000000',
  '2026-02-30',
  '0000-00-00T00:00:00Z',
];

export const oddValues: readonly unknown[] = [
  ...oddStrings,
  0,
  -1,
  1.5,
  -0,
  1e20,
  2 ** 63,
  Number.MAX_SAFE_INTEGER + 2,
  -1e308,
  true,
  false,
  null,
  [],
  [null],
  {},
  { $gt: '' },
  ['a'.repeat(10)],
  nest(40),
];

/** Query values in raw (already URL-encoded) form, including bytes that are not UTF-8. */
const oddQueryValues: readonly string[] = [
  '9223372036854775808',
  '1e20',
  '-1',
  '1.5',
  'abc',
  '',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%0D%0AX-Injected:%201',
  'a'.repeat(3_000),
  '0x10',
  'Infinity',
  '[]',
];

/** Path segments: wrong shape, foreign, unicode, encoded separators. */
const oddPathSegments: readonly string[] = [
  'not-an-id',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-7fff-bfff-ffffffffffff',
  '%ED%A0%80',
  '%00',
  '..%2F..%2Fetc',
  '9223372036854775808',
  'a'.repeat(600),
  '%E2%80%AE',
];

const oddNumbers: readonly number[] = [
  -1,
  0,
  1.5,
  1e20,
  2 ** 63,
  Number.MAX_SAFE_INTEGER + 2,
  -1e308,
  2 ** 31,
];

/**
 * An odd value, usually of the field's own type: those pass the schema's type check and reach the
 * code behind it (where the 5xx hid), while wrong types only test the validator.
 */
function oddFor(schema: Schema, random: Random): unknown {
  if (random.chance(0.25)) return random.pick(oddValues);
  const types = JSON.stringify(schema);
  if (types.includes('"string"')) return random.pick(oddStrings);
  if (types.includes('"integer"') || types.includes('"number"')) return random.pick(oddNumbers);
  return random.pick(oddValues);
}

function nest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i += 1) {
    const name = current.$ref.split('/').pop() ?? '';
    current = doc.components?.schemas?.[name] ?? {};
  }
  return current;
}

/** A value the schema accepts (best effort: patterns other than ids and days get a plain string). */
export function validValue(
  doc: OpenApiDocument,
  raw: Schema | undefined,
  random: Random,
  depth = 0,
): unknown {
  const schema = resolve(doc, raw);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return random.pick(schema.enum);
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants) && variants.length > 0)
    return validValue(doc, random.pick(variants), random, depth + 1);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return validValue(doc, schema.allOf[0] as Schema, random, depth + 1);
  const type = Array.isArray(schema.type) ? random.pick(schema.type as string[]) : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(properties)) {
        if (required.has(key) || (depth < 4 && random.chance(0.6)))
          out[key] = validValue(doc, child, random, depth + 1);
      }
      return out;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const length =
        depth > 3 ? min : random.int(min, Math.max(min, Math.min(3, Number(schema.maxItems ?? 3))));
      return Array.from({ length }, () => validValue(doc, schema.items as Schema, random, depth + 1));
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const max = typeof schema.maximum === 'number' ? schema.maximum : min + 100;
      return type === 'integer'
        ? random.int(min, Math.min(max, min + 1000))
        : min + random.next() * (max - min);
    }
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    case 'string':
      return validString(schema, random);
    default:
      return random.pick(['x', 1, true, null]);
  }
}

function validString(schema: Schema, random: Random): string {
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : '';
  if (pattern.includes('[0-9a-fA-F]{8}')) return crypto.randomUUID();
  if (pattern.startsWith('^\\d{4}-')) return `2026-0${random.int(1, 9)}-1${random.int(0, 9)}`;
  if (schema.format === 'date-time') return new Date(Date.UTC(2026, random.int(0, 11), 1)).toISOString();
  if (schema.format === 'email') return `fuzz${random.int(0, 999)}@example.com`;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 24;
  const length = random.int(min, Math.max(min, Math.min(max, min + 20)));
  return 'fuzz-value-'.repeat(Math.ceil(length / 11) + 1).slice(0, length);
}

function mutateBody(doc: OpenApiDocument, schema: Schema, body: unknown, random: Random): [string, unknown] {
  const resolved = resolve(doc, schema);
  const properties = Object.keys(resolved.properties ?? {});
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const roll = random.int(0, 5);
  if (roll === 0 || !isObject || properties.length === 0) return ['root-wrong-type', random.pick(oddValues)];
  const record = { ...(body as Record<string, unknown>) };
  const key = random.pick(properties);
  if (roll === 1) {
    const rest = Object.fromEntries(Object.entries(record).filter(([name]) => name !== key));
    return [`missing:${key}`, rest];
  }
  if (roll === 2) {
    record[random.pick(['extra', '__proto__', 'constructor', 'id', 'secret'])] = random.pick(oddValues);
    return ['extra-field', record];
  }
  const child = resolve(doc, (resolved.properties as Record<string, Schema>)[key]);
  const childProperties = Object.keys(child.properties ?? {});
  const nested = record[key];
  if (roll === 3 && childProperties.length > 0 && typeof nested === 'object' && nested !== null) {
    const inner = random.pick(childProperties);
    record[key] = { ...(nested as Record<string, unknown>), [inner]: random.pick(oddValues) };
    return [`odd:${key}.${inner}`, record];
  }
  record[key] = oddFor(child, random);
  return [`odd:${key}`, record];
}

export interface GenerateOptions {
  readonly seed: number;
  readonly count: number;
  /** Valid values for each path parameter name (real ids of the seeded data). */
  readonly pathValues: (name: string) => readonly string[];
  /** Header sets to send (one per role); the generator picks one per case. */
  readonly roles: readonly string[];
}

export interface PlannedCase extends Omit<GeneratedCase, 'headers'> {
  readonly role: string;
  readonly contentType: string | null;
}

const caseKinds = [
  'valid',
  'body',
  'body',
  'body',
  'query',
  'query',
  'path',
  'malformed-json',
  'content-type',
  'empty-body',
] as const;

/** `count` cases spread round-robin over every operation; deterministic for a seed. */
export function generateCases(doc: OpenApiDocument, options: GenerateOptions): PlannedCase[] {
  const random = createRandom(options.seed);
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
  const cases: PlannedCase[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const entry = operations[index % operations.length];
    if (entry === undefined) break;
    const { path, method, operation } = entry;
    const parameters = operation.parameters ?? [];
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    let kind: string = random.pick(caseKinds);
    let url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      encodeURIComponent(random.pick(options.pathValues(name))),
    );
    if (kind === 'path') {
      const pathParameters = parameters.filter((p) => p.in === 'path');
      if (pathParameters.length === 0) kind = 'query';
      else {
        const target = random.pick(pathParameters).name;
        let isFirst = true;
        url = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
          if (name === target && isFirst) {
            isFirst = false;
            return random.pick(oddPathSegments);
          }
          return encodeURIComponent(random.pick(options.pathValues(name)));
        });
        kind = `path:${target}`;
      }
    }
    const query: string[] = [];
    for (const parameter of parameters.filter((p) => p.in === 'query')) {
      if (random.chance(0.5)) {
        const value = validValue(doc, parameter.schema, random);
        query.push(`${parameter.name}=${encodeURIComponent(String(value))}`);
      }
    }
    if (kind === 'query') {
      const queryParameters = parameters.filter((p) => p.in === 'query');
      const name =
        queryParameters.length > 0 && random.chance(0.85) ? random.pick(queryParameters).name : 'unknown';
      const value = random.pick(oddQueryValues);
      // Drop a valid value generated above for the same name, so the odd one is the only one.
      const others = query.filter((pair) => !pair.startsWith(`${name}=`));
      query.splice(0, query.length, ...others);
      query.push(`${name}=${value}`);
      if (random.chance(0.2)) query.push(`${name}=${random.pick(oddQueryValues)}`);
      kind = `query:${name}`;
    }
    if (query.length > 0) url += `?${query.join('&')}`;
    let payload: string | undefined;
    let contentType: string | null = null;
    const hasBodyMethod = method !== 'GET' && method !== 'DELETE' ? true : bodySchema !== undefined;
    if (hasBodyMethod) {
      contentType = 'application/json';
      const body = bodySchema === undefined ? {} : validValue(doc, bodySchema, random);
      if (kind === 'body' && bodySchema !== undefined) {
        const [what, mutated] = mutateBody(doc, bodySchema, body, random);
        kind = `body:${what}`;
        payload = JSON.stringify(mutated);
      } else if (kind === 'malformed-json') {
        payload = random.pick([
          '{"a":',
          '{',
          'nul',
          "{'a':1}",
          '[1,]',
          '\u0000',
          '{"a":1}{"b":2}',
          '"\\ud800"',
        ]);
      } else if (kind === 'content-type') {
        contentType = random.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/xml',
        ]);
        payload = JSON.stringify(body);
      } else if (kind === 'empty-body') {
        payload = '';
      } else {
        payload = JSON.stringify(body);
      }
    }
    cases.push({
      index,
      operation: `${method} ${path}`,
      kind,
      method,
      url,
      role: random.pick(options.roles),
      contentType,
      ...(payload === undefined ? {} : { payload }),
    });
  }
  return cases;
}
