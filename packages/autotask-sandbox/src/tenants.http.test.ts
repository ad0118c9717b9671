import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { errorsOf, RawApi } from './testing/api-client.js';
import type { Sandbox, SandboxApiUser, SandboxTenantSummary } from './types.js';

let sandbox: Sandbox;
let home: RawApi;

const userOf = (n: number): SandboxApiUser => ({
  username: `api-${n}@msp-${n}.example`,
  secret: `secret-${n}`,
  integrationCode: 'CORO7SANDBOX7TRACKING7ID000',
});

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function discover(username: string): Promise<{ ci: number; url: string }> {
  const r = await fetch(
    `${sandbox.url}/ATServicesRest/V1.0/zoneInformation?user=${encodeURIComponent(username)}`,
  );
  return (await r.json()) as { ci: number; url: string };
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'empty', latencyTierScale: 0 });
  home = new RawApi(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.admin.reset('empty');
  sandbox.admin.setLatency(0);
  sandbox.admin.setLimits({ hourlyThreshold: 10_000, threadLimit: 3 });
});

describe('many tenants in one sandbox', () => {
  it('a tenant added over HTTP has its own ci, users and data; zone discovery finds it by user', async () => {
    const added = await admin('POST', '/tenants', { id: 'msp-1', apiUser: userOf(1), seed: 'scale:3' });
    expect(added.status).toBe(200);
    const summary = added.json as SandboxTenantSummary;
    expect(summary).toMatchObject({ id: 'msp-1', requests: 0, requestCount: 0, maxInFlight: 0 });
    const own = await discover(userOf(1).username);
    const homeZone = await discover(sandbox.apiUser.username);
    expect(own.ci).toBe(summary.ci);
    expect(own.ci).not.toBe(homeZone.ci);
    const tenant = new RawApi(sandbox, userOf(1));
    // scale:3 = 3 companies + the MSP's own; the default tenant's empty seed has the MSP's own only.
    expect(await tenant.query('Companies', [{ op: 'exist', field: 'id' }])).toHaveLength(4);
    expect(await home.query('Companies', [{ op: 'exist', field: 'id' }])).toHaveLength(1);
    // A user of one tenant is unknown to the other's credentials check: wrong secret → 401.
    const crossed = await home.call('GET', 'Companies/0', undefined, {
      ...home.headers(),
      UserName: userOf(1).username,
    });
    expect(crossed.status).toBe(401);
  });

  it('each tenant has its own hourly budget and request count', async () => {
    sandbox.admin.addTenant({ id: 'small', apiUser: userOf(2), seed: 'empty', hourlyThreshold: 2 });
    const tenant = new RawApi(sandbox, userOf(2));
    expect((await tenant.get('Companies/0')).status).toBe(200);
    expect((await tenant.get('Companies/0')).status).toBe(200);
    const refused = await tenant.get('Companies/0');
    expect(refused.status).toBe(429);
    expect(errorsOf(refused)[0]).toMatch(/threshold of 2 requests/);
    expect((await home.get('Companies/0')).status).toBe(200);
    const listed = (await admin('GET', '/tenants')).json as SandboxTenantSummary[];
    expect(listed.map((t) => [t.id, t.requests, t.requestCount, t.rejected429])).toStrictEqual([
      ['default', 1, 1, 0],
      ['small', 3, 2, 1],
    ]);
    expect((await admin('GET', '/tenants/small/stats')).json).toMatchObject({ requests: 3, requestCount: 2 });
  });

  it('threads are counted per tenant: 4 at once on one tenant is refused there, 3 on another is not', async () => {
    sandbox.admin.addTenant({ id: 'busy', apiUser: userOf(3), seed: 'empty' });
    sandbox.admin.setLatency(150);
    const tenant = new RawApi(sandbox, userOf(3));
    const replies = await Promise.all([
      ...Array.from({ length: 4 }, () => tenant.get('Companies/0')),
      ...Array.from({ length: 3 }, () => home.get('Companies/0')),
    ]);
    expect(replies.map((r) => r.status).sort()).toStrictEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(sandbox.admin.tenant('busy').summary()).toMatchObject({ maxInFlight: 4, rejected429: 1 });
    expect(sandbox.admin.summary()).toMatchObject({ maxInFlight: 3, rejected429: 0 });
  });

  it('faults and latency set for one tenant touch that tenant only', async () => {
    sandbox.admin.addTenant({ id: 'faulty', apiUser: userOf(4), seed: 'empty' });
    const set = await admin('PUT', '/tenants/faulty/faults', {
      rules: [{ entity: 'Companies', kind: '500' }],
    });
    expect(set.status).toBe(200);
    expect((await new RawApi(sandbox, userOf(4)).get('Companies/0')).status).toBe(500);
    expect((await home.get('Companies/0')).status).toBe(200);
    expect((await admin('PUT', '/tenants/faulty/latency', { fixedMs: 40 })).status).toBe(200);
    expect(sandbox.admin.tenant('faulty').summary().requests).toBe(1);
  });

  it('refuses a duplicate id or user name (400), answers 404 for an unknown tenant, and a reset drops tenants', async () => {
    sandbox.admin.addTenant({ id: 'one', apiUser: userOf(5) });
    expect((await admin('POST', '/tenants', { id: 'one', apiUser: userOf(6) })).status).toBe(400);
    const sameUser = await admin('POST', '/tenants', { id: 'two', apiUser: userOf(5) });
    expect(sameUser).toMatchObject({ status: 400, json: { error: expect.stringMatching(/exists already/) } });
    expect((await admin('POST', '/tenants', { id: 'x/y', apiUser: userOf(7) })).status).toBe(400);
    expect((await admin('POST', '/tenants', { id: 'three' })).status).toBe(400);
    expect((await admin('GET', '/tenants/nobody/stats')).status).toBe(404);
    await admin('POST', '/reset', { seed: 'empty' });
    expect(((await admin('GET', '/tenants')).json as SandboxTenantSummary[]).map((t) => t.id)).toStrictEqual([
      'default',
    ]);
    expect((await discover(userOf(5).username)).ci).toBeUndefined();
  });
});
