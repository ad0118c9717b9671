/**
 * RBAC matrix: one table row per route, one test per (route, role; billing = msp_billing). Add
 * your routes to a matrix in your own `*.int.test.ts` — the helper builds its own TestApp (both dialects).
 *
 * @example
 * describeRbacMatrix('connectors', [
 *   { name: 'list connectors', method: 'GET', url: (s) => `/api/workspaces/${s.channel.id}/connectors`, expect: readRoute(200) },
 *   { name: 'create connector', method: 'POST', url: (s) => `/api/workspaces/${s.channel.id}/connectors`,
 *     payload: () => ({ … }), expect: writeRoute(201) },
 * ]);
 *
 * Conventions encoded by readRoute/writeRoute/adminRoute, for a route on `seed.channel`:
 *   anonymous → 401; other_admin (another channel) → 404 (existence not revealed);
 *   child_viewer (role on one child only) → 404 on the channel; viewer and billing → 403 on writes.
 * Cases whose request must be unique per call (e.g. revoke a fresh token) use `prepare`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from './test-database.js';
import {
  createTestApp,
  testRoles,
  type TestApp,
  type TestAppOptions,
  type TestRole,
  type TestSeed,
} from './test-app.js';

export type Expectation = Readonly<Record<TestRole, number>>;

export interface RbacCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: (seed: TestSeed) => string;
  readonly payload?: (seed: TestSeed) => unknown;
  /** Per-call setup returning the url/payload to use (overrides `url`/`payload`). */
  readonly prepare?: (t: TestApp) => Promise<{ url: string; payload?: unknown }>;
  readonly expect: Expectation;
  /** Sign in anew for this case (routes that end the session, like logout). */
  readonly isFreshSession?: boolean;
}

/** Readable by every role of the channel. */
export const readRoute = (ok = 200): Expectation => ({
  super_admin: ok,
  admin: ok,
  viewer: ok,
  billing: ok,
  other_admin: 404,
  child_viewer: 404,
  anonymous: 401,
});

/** Changes by msp_admin and up. */
export const writeRoute = (ok = 200): Expectation => ({
  super_admin: ok,
  admin: ok,
  viewer: 403,
  billing: 403,
  other_admin: 404,
  child_viewer: 404,
  anonymous: 401,
});

/** msp_super_admin only. */
export const adminRoute = (ok = 200): Expectation => ({
  super_admin: ok,
  admin: 403,
  viewer: 403,
  billing: 403,
  other_admin: 404,
  child_viewer: 404,
  anonymous: 401,
});

/** Anything signed in (e.g. the service catalog, me). */
export const anyUserRoute = (ok = 200): Expectation => ({
  super_admin: ok,
  admin: ok,
  viewer: ok,
  billing: ok,
  other_admin: ok,
  child_viewer: ok,
  anonymous: 401,
});

export function describeRbacMatrix(
  title: string,
  cases: readonly RbacCase[],
  options: TestAppOptions = {},
): void {
  describe.skipIf(isDatabaseUnavailable())(`RBAC matrix: ${title} (${testDialect()})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(options);
    });
    afterAll(async () => {
      await t.close();
    });

    const rows = cases.flatMap((c) => testRoles.map((role) => [c, role] as const));
    it.each(
      rows.map(([c, role]) => ({ c, role, label: `${c.method} ${c.name} as ${role} → ${c.expect[role]}` })),
    )('$label', async ({ c, role }) => {
      const prepared = c.prepare ? await c.prepare(t) : { url: c.url(t.seed), payload: c.payload?.(t.seed) };
      const response = await t.app.inject({
        method: c.method,
        url: prepared.url,
        headers: await t.login(role, { fresh: c.isFreshSession === true }),
        ...(prepared.payload === undefined ? {} : { payload: prepared.payload as Record<string, unknown> }),
      });
      expect(response.statusCode, response.body).toBe(c.expect[role]);
      if (response.statusCode >= 400) {
        const body = response.json<{ error?: { code?: unknown }; reqId?: unknown }>();
        expect(typeof body.error?.code).toBe('string');
        expect(typeof body.reqId).toBe('string');
      }
    });
  });
}
