import type { Static, TSchema } from 'typebox';

// One HTTP endpoint is one value (ADR 0014): the server registers its route from it, the console
// calls it through a typed client, tests call it through a typed `app.inject` helper, and OpenAPI
// is generated from the same schemas. A path is written here and nowhere else.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an endpoint answers besides JSON; the typed client does not parse these bodies. */
export type EndpointBodyFormat = 'json' | 'csv' | 'event-stream';

export interface EndpointSpec {
  readonly method: HttpMethod;
  /** Fastify syntax: `/api/channels/:channelId/...`; every `:name` is a property of `params`. */
  readonly path: `/api/${string}`;
  /**
   * The path before the URL scheme was made one (ADR 0014): still served, marked deprecated in
   * OpenAPI and answered with a `Deprecation` header, so scripts keep working for a release.
   */
  readonly legacyPath?: `/api/${string}`;
  readonly tags: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  /** Success answers only; every endpoint also answers the common `ErrorEnvelope` on 4xx/5xx. */
  readonly responses: Readonly<Partial<Record<200 | 201 | 202 | 204, TSchema>>>;
  /** `json` unless said otherwise. */
  readonly format?: EndpointBodyFormat;
}

/** Declares an endpoint, keeping its literal types (the path, the schemas) for the typed callers. */
export const defineEndpoint = <const E extends EndpointSpec>(endpoint: E): E => endpoint;

type StaticOr<S, Absent> = S extends TSchema ? Static<S> : Absent;

export type EndpointParams<E extends EndpointSpec> = StaticOr<E['params'], Record<string, never>>;
export type EndpointQuery<E extends EndpointSpec> = StaticOr<E['query'], Record<string, never>>;
export type EndpointBody<E extends EndpointSpec> = StaticOr<E['body'], undefined>;

/** The JSON of any success answer of the endpoint. */
export type EndpointResponse<E extends EndpointSpec> = {
  [Code in keyof E['responses']]: StaticOr<E['responses'][Code], never>;
}[keyof E['responses']];

type Field<K extends string, S> = S extends TSchema
  ? Partial<Static<S>> extends Static<S>
    ? { readonly [P in K]?: Static<S> }
    : { readonly [P in K]: Static<S> }
  : { readonly [P in K]?: never };

/** What a caller passes: `params`, `query`, `body`, each required exactly when the endpoint has one. */
export type EndpointInput<E extends EndpointSpec> = Field<'params', E['params']> &
  Field<'query', E['query']> &
  Field<'body', E['body']>;

/** The path with its `:name` segments filled in (URI-encoded). Throws on a missing parameter. */
export function endpointPath(endpoint: Pick<EndpointSpec, 'path'>, params: object = {}): string {
  const values = params as Record<string, string | number | undefined>;
  return endpoint.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') {
      throw new Error(`${endpoint.path}: missing path parameter "${name}"`);
    }
    return encodeURIComponent(String(value));
  });
}

type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** `?a=1&b=x&b=y` from a query object: arrays repeat their key; null, undefined and '' are left out. */
export function endpointQueryString(query: object | undefined): string {
  if (query === undefined) return '';
  const search = new URLSearchParams();
  for (const [key, raw] of Object.entries(query as Record<string, QueryValue>)) {
    if (raw === undefined || raw === null || raw === '') continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Path and query of one call, relative to the server's origin. */
export function endpointUrl(
  endpoint: Pick<EndpointSpec, 'path'>,
  input: { readonly params?: object; readonly query?: object } = {},
): string {
  return `${endpointPath(endpoint, input.params)}${endpointQueryString(input.query)}`;
}
