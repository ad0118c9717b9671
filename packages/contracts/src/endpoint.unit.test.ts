import { describe, expect, it } from 'vitest';

import { endpointPath, endpointQueryString, endpointUrl, type EndpointSpec } from './endpoint.js';
import { endpoints } from './endpoints/index.js';

const item = { path: '/api/channels/:channelId/items/:itemId' } as const;

describe('endpointPath', () => {
  it('fills every :name segment', () => {
    expect(endpointPath(item, { channelId: 'c1', itemId: 42 })).toBe('/api/channels/c1/items/42');
  });

  it('URI-encodes the values, so a value cannot add a segment or a query', () => {
    expect(endpointPath(item, { channelId: 'a/b', itemId: 'x?y=1#z é' })).toBe(
      '/api/channels/a%2Fb/items/x%3Fy%3D1%23z%20%C3%A9',
    );
  });

  it('leaves a path without parameters as it is', () => {
    expect(endpointPath({ path: '/api/auth/me' })).toBe('/api/auth/me');
  });

  it('throws on a missing or empty parameter, naming it', () => {
    expect(() => endpointPath(item, { channelId: 'c1' })).toThrow('missing path parameter "itemId"');
    expect(() => endpointPath(item, { channelId: '', itemId: '1' })).toThrow(
      'missing path parameter "channelId"',
    );
    expect(() => endpointPath(item)).toThrow('missing path parameter "channelId"');
  });
});

describe('endpointQueryString', () => {
  it('is empty without a query or with nothing in it', () => {
    expect(endpointQueryString(undefined)).toBe('');
    expect(endpointQueryString({})).toBe('');
    expect(endpointQueryString({ a: undefined, b: null })).toBe('');
  });

  // '' is "not given" in this API (an empty search box), as the console's client always sent it.
  it('skips null, undefined and the empty string, keeps false and 0', () => {
    expect(endpointQueryString({ a: null, b: undefined, c: false, d: 0, e: '' })).toBe('?c=false&d=0');
  });

  it('repeats the key of an array, in order', () => {
    expect(endpointQueryString({ status: ['open', 'done'], page: 2 })).toBe(
      '?status=open&status=done&page=2',
    );
    expect(endpointQueryString({ status: [] })).toBe('');
  });

  it('encodes keys and values', () => {
    expect(endpointQueryString({ 'q&x': 'a b&c=d/é' })).toBe('?q%26x=a+b%26c%3Dd%2F%C3%A9');
  });
});

describe('endpointUrl', () => {
  it('joins the filled path and the query', () => {
    expect(endpointUrl(item, { params: { channelId: 'c 1', itemId: '2' }, query: { q: ['x', 'y'] } })).toBe(
      '/api/channels/c%201/items/2?q=x&q=y',
    );
  });

  it('is the bare path without a query', () => {
    expect(endpointUrl({ path: '/api/auth/me' })).toBe('/api/auth/me');
  });

  it('throws on a missing path parameter', () => {
    expect(() => endpointUrl(item, { query: { q: 1 } })).toThrow('missing path parameter "channelId"');
  });
});

const all: readonly (readonly [string, EndpointSpec])[] = Object.entries(endpoints).flatMap(
  ([group, members]) =>
    Object.entries(members as Record<string, EndpointSpec>).map(
      ([name, spec]) => [`${group}.${name}`, spec] as const,
    ),
);

const pathParams = (path: string): string[] => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');

/** The names a TypeBox object schema declares (`{}` when the endpoint has no params). */
const schemaKeys = (schema: EndpointSpec['params']): string[] => {
  const properties: unknown = schema === undefined ? {} : Reflect.get(schema, 'properties');
  return Object.keys(properties ?? {});
};

describe('the endpoints catalogue', () => {
  it('declares a good number of endpoints (the walk below saw them all)', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it('has one endpoint per (method, path)', () => {
    const keys = all.map(([, e]) => `${e.method} ${e.path}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('declares every :param of a path in its params schema, and no param absent from the path', () => {
    for (const [name, e] of all) {
      expect(schemaKeys(e.params).sort(), name).toEqual(pathParams(e.path).sort());
    }
  });

  it('maps every legacy path to one endpoint, with the same parameters as its new path', () => {
    const legacy = all.filter(([, e]) => e.legacyPath !== undefined);
    expect(legacy.length).toBeGreaterThan(0);
    const keys = legacy.map(([, e]) => `${e.method} ${e.legacyPath}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    // A legacy path never collides with a current one either: both are served side by side.
    const current = new Set(all.map(([, e]) => `${e.method} ${e.path}`));
    expect(keys.filter((key) => current.has(key))).toEqual([]);
    for (const [name, e] of legacy) {
      expect(pathParams(e.legacyPath ?? '').sort(), name).toEqual(pathParams(e.path).sort());
    }
  });
});
