import { endpoints, type EndpointSpec } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';

/** Every declared endpoint is served, and nothing under /api is served without a declaration (ADR 0014). */
describe.skipIf(isDatabaseUnavailable())(`endpoints served (${testDialect()})`, () => {
  let t: TestApp;
  const declared: EndpointSpec[] = Object.values(endpoints).flatMap((group): EndpointSpec[] =>
    Object.values(group as Record<string, EndpointSpec>),
  );
  const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers every endpoint at its path and at its legacy path', () => {
    expect(declared.length).toBeGreaterThan(50);
    const missing = declared.flatMap((e) =>
      [e.path, e.legacyPath]
        .filter((url): url is `/api/${string}` => url !== undefined)
        .filter((url) => !t.app.hasRoute({ method: e.method, url }))
        .map((url) => `${e.method} ${url}`),
    );
    expect(missing).toStrictEqual([]);
  });

  it('serves no /api operation that is not declared', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
    const spec = response.json<{ paths: Record<string, Record<string, { deprecated?: boolean }>> }>();
    const known = new Set(
      declared.flatMap((e) =>
        [e.path, e.legacyPath].filter((p) => p !== undefined).map((p) => `${e.method} ${openApiPath(p)}`),
      ),
    );
    const served = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.filter((operation) => !known.has(operation))).toStrictEqual([]);
    expect(served.length).toBe(known.size);
  });
});
