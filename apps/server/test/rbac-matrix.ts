/**
 * RBAC matrix: one table row per endpoint call, one test per (row, role; billing = msp_billing). Add
 * your endpoints to a matrix in your own `*.int.test.ts` — the helper builds its own TestApp (both
 * dialects). A row names an endpoint of `@coro/contracts` and its inputs, so each is type-checked.
 *
 * @example
 * describeRbacMatrix('connectors', [
 *   rbacCase(endpoints.connectors.list, { params: (s) => ({ channelId: s.channel.id }), expect: readRoute(200) }),
 *   rbacCase(endpoints.connectors.create, { params: (s) => ({ channelId: s.channel.id }),
 *     body: () => ({ … }), expect: writeRoute(201) }),
 * ]);
 *
 * Conventions encoded by readRoute/writeRoute/adminRoute, for a route on `seed.channel`:
 *   anonymous → 401; other_admin (another channel) → 404 (existence not revealed);
 *   child_viewer (role on one child only) → 404 on the channel; viewer and billing → 403 on writes.
 * Cases whose request must be unique per call (e.g. revoke a fresh token) use `prepare`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EndpointBody,
  EndpointInput,
  EndpointParams,
  EndpointQuery,
  EndpointSpec,
} from '@coro/contracts';

import { callEndpoint, type EndpointCall } from './call-endpoint.js';
import { isDatabaseUnavailable, testDialect } from './test-database.js';
import {
  createTestApp,
  testRoles,
  type AuthHeaders,
  type TestApp,
  type TestAppOptions,
  type TestRole,
  type TestSeed,
} from './test-app.js';

export type Expectation = Readonly<Record<TestRole, number>>;

/** One row of a matrix, its endpoint's types erased (build it with `rbacCase`). */
export interface RbacCase {
  /** What the row checks beyond the endpoint (e.g. "child A", "wrong current password"). */
  readonly name: string;
  readonly endpoint: EndpointSpec;
  readonly expect: Expectation;
  /** Sign in anew for this case (routes that end the session, like logout). */
  readonly isFreshSession?: boolean;
  call(t: TestApp, headers: AuthHeaders): Promise<EndpointCall<EndpointSpec>>;
}

/**
 * A row: the endpoint, and its `params` / `query` / `body` computed from the seed, or `prepare` for
 * a per-call setup returning the whole input (e.g. a fresh row to delete per role). A missing path
 * parameter throws when the row runs. TypeScript widens a literal returned by a function without
 * parameters before it knows the endpoint: write `'New' as const` there.
 */
interface RbacCaseSpec<E extends EndpointSpec> {
  readonly name?: string;
  readonly params?: (seed: TestSeed) => EndpointParams<E>;
  readonly query?: (seed: TestSeed) => EndpointQuery<E>;
  readonly body?: (seed: TestSeed) => EndpointBody<E>;
  readonly prepare?: (t: TestApp) => Promise<EndpointInput<E>>;
  readonly expect: Expectation;
  readonly isFreshSession?: boolean;
}

/** A matrix row on `endpoint`, its inputs typed by the endpoint's schemas. */
export function rbacCase<E extends EndpointSpec>(endpoint: E, spec: RbacCaseSpec<E>): RbacCase {
  const input = async (t: TestApp): Promise<EndpointInput<E>> => {
    if (spec.prepare) return spec.prepare(t);
    const values = { params: spec.params?.(t.seed), query: spec.query?.(t.seed), body: spec.body?.(t.seed) };
    return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as EndpointInput<E>;
  };
  return {
    name: spec.name ?? '',
    endpoint: endpoint,
    expect: spec.expect,
    ...(spec.isFreshSession === undefined ? {} : { isFreshSession: spec.isFreshSession }),
    call: async (t, headers) => await callEndpoint(t.app, endpoint, { ...(await input(t)), headers }),
  };
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
      rows.map(([c, role]) => ({
        c,
        role,
        label: `${c.endpoint.method} ${c.endpoint.path}${c.name === '' ? '' : ` (${c.name})`} as ${role} → ${c.expect[role]}`,
      })),
    )('$label', async ({ c, role }) => {
      const response = await c.call(t, await t.login(role, { fresh: c.isFreshSession === true }));
      expect(response.statusCode, response.body).toBe(c.expect[role]);
      if (response.statusCode >= 400) {
        const body = response.response.json<{ error?: { code?: unknown }; reqId?: unknown }>();
        expect(typeof body.error?.code).toBe('string');
        expect(typeof body.reqId).toBe('string');
      }
    });
  });
}
