import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/**
 * Issue 12: building a query with Kysely and compiling it to SQL costs 0.01–0.1 ms, on every
 * request, for queries whose SQL never changes: only their values do (the session lookup, a
 * workspace by id, a mapping page of a given shape). Such a query is built once per database
 * handle and `key`, with a marker in place of each value, and later calls fill the markers in.
 *
 * The rule that makes this safe: `build` may pass each value only into the query, as a parameter;
 * it must not look at it (no `if (v.q === '')`, no `v.ids.map`): what decides the SQL text goes
 * into `key` instead. A marker used as anything but a parameter (written into the SQL text, mapped
 * over) fails on the first call. A key names one query for the whole server: a second build under
 * the same key would silently get the first one's SQL, so each key starts with its query's name
 * ('session-by-token', 'memberships-on-chain|2', 'page|…').
 */
type QueryValues = Readonly<Record<string, unknown>>;

interface Template {
  readonly sql: string;
  readonly parameters: readonly ({ readonly slot: string } | { readonly value: unknown })[];
}

const templatesByDatabase = new WeakMap<Kysely<unknown>, Map<string, Template>>();

const MARKER_TEXT = '__compiled_once_marker__';

class Marker {
  constructor(readonly slot: string) {}
  /** What a marker turns into if a build writes it into the SQL text: caught below. */
  toString(): string {
    return `${MARKER_TEXT}${this.slot}`;
  }
}

/** Stands in for every value: each property read gives that value's marker. */
const markers: QueryValues = new Proxy(
  {},
  {
    get: (_, slot) => new Marker(String(slot)),
  },
);

function templateOf<DB, R>(
  db: Kysely<DB>,
  key: string,
  build: (values: QueryValues) => Compilable<R>,
): Template {
  let templates = templatesByDatabase.get(db as Kysely<unknown>);
  if (templates === undefined) {
    templates = new Map();
    templatesByDatabase.set(db as Kysely<unknown>, templates);
  }
  let template = templates.get(key);
  if (template === undefined) {
    const query = build(markers).compile();
    if (query.sql.includes(MARKER_TEXT))
      throw new Error(`compiledOnce(${key}): a value reached the SQL text`);
    template = {
      sql: query.sql,
      parameters: query.parameters.map((value) =>
        value instanceof Marker ? { slot: value.slot } : { value },
      ),
    };
    templates.set(key, template);
  }
  return template;
}

/** Runs the query `build` describes, compiled on the first call for this `key` (see above). */
export async function runCompiledOnce<DB, R, V extends object>(
  db: Kysely<DB>,
  key: string,
  build: (values: V) => Compilable<R>,
  values: V,
): Promise<R[]> {
  const template = templateOf(db, key, build as (values: QueryValues) => Compilable<R>);
  const given = values as QueryValues;
  const parameters = template.parameters.map((p) => {
    if ('value' in p) return p.value;
    if (!(p.slot in given)) throw new Error(`compiledOnce(${key}): no value for ${p.slot}`);
    return given[p.slot];
  });
  const { rows } = await db.executeQuery<R>(CompiledQuery.raw(template.sql, parameters));
  return rows;
}
