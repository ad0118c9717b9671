import { describe, expect, it } from 'vitest';

import { jobCatalog } from './job-catalog.js';
import { JobPayloadError, prepareJob } from './job-definition.js';

/** Every property name anywhere in a JSON schema (TypeBox schemas are plain JSON schema). */
function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own = node.properties && typeof node.properties === 'object' ? Object.keys(node.properties) : [];
  return [
    ...own,
    ...Object.values(node).flatMap((child) =>
      Array.isArray(child) ? child.flatMap(propertyNames) : propertyNames(child),
    ),
  ];
}

const credentialLike =
  /secret|passw|token|credential|api.?key|private|auth|cookie|session|integration.?code|username/i;

describe('job catalog', () => {
  const entries = Object.entries(jobCatalog);

  it('declares the jobs of the app once', () => {
    expect(Object.keys(jobCatalog).sort()).toStrictEqual([
      'connection.check',
      'lookups.refresh',
      'sessions.cleanup',
      'sync.connector',
      'sync.daily-fanout',
    ]);
  });

  it.each(entries)(
    '%s carries ids only: no credential-like field, no undeclared field',
    (_name, definition) => {
      const names = propertyNames(definition.payload);
      expect(names.filter((n) => credentialLike.test(n))).toStrictEqual([]);
      expect((definition.payload as { additionalProperties?: unknown }).additionalProperties).toBe(false);
    },
  );

  it('the credential check would catch a secret', () => {
    expect(
      propertyNames({ properties: { connectorId: {}, nested: { properties: { apiSecret: {} } } } }).filter(
        (n) => credentialLike.test(n),
      ),
    ).toStrictEqual(['apiSecret']);
  });

  it.each(entries)('%s has a bounded retry and timeout', (_name, definition) => {
    expect(definition.maxAttempts).toBeGreaterThanOrEqual(1);
    expect(definition.maxAttempts).toBeLessThanOrEqual(5);
    expect(definition.timeoutMs).toBeGreaterThan(0);
    expect(definition.backoff.initialMs).toBeLessThanOrEqual(definition.backoff.maxMs);
  });

  it('keys sync, lookups and checks per connector, so one connector never runs twice at once', () => {
    expect(
      prepareJob(jobCatalog, 'sync.connector', { connectorId: 'c1', trigger: 'manual' }).singletonKey,
    ).toBe('c1');
    expect(prepareJob(jobCatalog, 'lookups.refresh', { connectorId: 'c2' }).singletonKey).toBe('c2');
    expect(prepareJob(jobCatalog, 'connection.check', { connectorId: 'c3' }).singletonKey).toBe('c3');
    expect(
      prepareJob(jobCatalog, 'sync.connector', { connectorId: 'c1', trigger: 'manual' }, 'override')
        .singletonKey,
    ).toBe('override');
  });

  it.each([
    ['sync.connector', { connectorId: 'c1' }],
    ['sync.connector', { connectorId: 'c1', trigger: 'hourly' }],
    ['sync.connector', { connectorId: 'c1', trigger: 'manual', secret: 'hunter2' }],
    ['sync.connector', { connectorId: '', trigger: 'manual' }],
    ['sync.connector', { connectorId: 'c1; drop table', trigger: 'manual' }],
    ['lookups.refresh', { connectorId: 42 }],
    ['connection.check', { connectorId: 'c1', credentials: { username: 'u' } }],
    ['sync.daily-fanout', { connectorId: 'c1' }],
    ['no.such.job', {}],
  ])('rejects %s with %j', (name, payload) => {
    expect(() => prepareJob(jobCatalog, name, payload)).toThrow(JobPayloadError);
  });

  it('accepts the payloads the app sends', () => {
    expect(() =>
      prepareJob(jobCatalog, 'sync.connector', {
        connectorId: '0193a5c2-7b1e-7d2a-9f00-1a2b3c4d5e6f',
        trigger: 'schedule',
        runId: 'r1',
      }),
    ).not.toThrow();
    expect(() => prepareJob(jobCatalog, 'sync.daily-fanout', {})).not.toThrow();
  });
});
