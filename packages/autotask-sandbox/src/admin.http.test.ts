import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { RawApi } from './testing/api-client.js';
import type { Sandbox } from './types.js';

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo', now: () => new Date('2026-06-15T12:00:00Z') });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const reply = await api.call(method, `${sandbox.url}/_sandbox/${path}`, body, {
    'Content-Type': 'application/json',
  });
  return { status: reply.status, json: reply.json };
}

describe('zone moves', () => {
  it('the tenant moves: zoneInformation gives the new url, the old zone answers 401', async () => {
    const oldZone = sandbox.zoneUrl;
    const moved = sandbox.admin.moveZone();
    expect(moved.zoneUrl).toBe(`${sandbox.url}/z2/ATServicesRest/`);
    expect(sandbox.zoneUrl).toBe(moved.zoneUrl);
    const zone = await api.call(
      'GET',
      `${sandbox.url}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(sandbox.apiUser.username)}`,
      undefined,
      {},
    );
    expect((zone.json as { url: string }).url).toBe(moved.zoneUrl);
    expect((await api.call('GET', `${oldZone}V1.0/Companies/0`)).status).toBe(401);
    expect((await api.call('GET', `${moved.zoneUrl}V1.0/Companies/0`)).status).toBe(200);
    const viaHttp = await admin('POST', 'zone-moves', {});
    expect(viaHttp.json).toEqual({ zoneUrl: `${sandbox.url}/z3/ATServicesRest/` });
    sandbox.admin.reset();
    expect(sandbox.zoneUrl).toBe(`${sandbox.url}/ATServicesRest/`);
  });
});

describe('HTTP admin API', () => {
  it('mirrors the in-process admin', async () => {
    expect((await admin('POST', 'reset', { seed: 'demo' })).status).toBe(200);
    expect((await admin('PUT', 'latency', { fixedMs: 0 })).status).toBe(200);
    expect(
      (await admin('PUT', 'limits', { hourlyThreshold: 100, threadLimit: 3, latencyTierScale: 0 })).status,
    ).toBe(200);
    expect((await admin('PUT', 'clock', { now: '2026-06-15T12:00:00Z' })).status).toBe(200);
    expect(
      (await admin('PUT', 'faults', { rules: [{ entity: 'Companies', kind: '503', count: 1 }] })).status,
    ).toBe(200);
    expect((await api.get('Companies/0')).status).toBe(503);
    expect((await admin('DELETE', 'faults')).status).toBe(200);
    expect(
      (await admin('POST', 'api-users', { username: 'ops@x.example', secret: 's', integrationCode: 'OPS' }))
        .status,
    ).toBe(200);
    const ops = new RawApi(sandbox, { username: 'ops@x.example', secret: 's', integrationCode: 'OPS' });
    expect((await ops.get('Companies/0')).status).toBe(200);

    const adjusted = await api.post('Contracts/1002/ServiceAdjustments', {
      serviceID: 201,
      unitChange: 2,
      effectiveDate: '2026-07-01T12:00:00Z',
    });
    expect(adjusted.status).toBe(200);
    const log = await admin('GET', 'adjustments');
    expect(log.json).toMatchObject([
      {
        contractID: 1002,
        serviceID: 201,
        unitChange: 2,
        effectiveDate: '2026-07-01T00:00:00Z',
        receivedAt: '2026-06-15T12:00:00Z',
      },
    ]);
    const outside = await api.post('Contracts/1002/ServiceAdjustments', {
      serviceID: 201,
      unitChange: 1,
      effectiveDate: '2030-01-01',
    });
    expect(outside.status).toBe(500);
    expect((await admin('GET', 'rejected-adjustments')).json).toEqual([
      {
        body: expect.objectContaining({ effectiveDate: '2030-01-01' }) as unknown,
        error: expect.stringMatching(/outside/) as unknown,
      },
    ]);
    const units = await admin('GET', 'units?contractId=1002&serviceId=201&date=2026-07-01');
    expect(units.json).toEqual({ units: sandbox.admin.unitsOn(1002, 201, '2026-07-01') });
    expect((await admin('GET', 'units?contractId=1002&serviceId=999&date=2026-07-01')).json).toEqual({
      units: null,
    });
    const stats = await admin('GET', 'stats');
    expect(stats.json).toMatchObject({
      requests: 4,
      byEntity: { Companies: 2, ContractServiceAdjustments: 2 },
      rejected429: 0,
    });
    // The injected 503 never reached the API, so the rolling hour does not count it.
    expect(sandbox.admin.requestCount()).toBe(3);
  });

  it('bad input → 400 {error}', async () => {
    for (const [method, path, body] of [
      ['POST', 'reset', { seed: 'bogus' }],
      ['PUT', 'faults', { rules: 'x' }],
      ['PUT', 'faults', { rules: [{ kind: 'nope' }] }],
      ['PUT', 'latency', { fixedMs: -1 }],
      ['PUT', 'limits', { threadLimit: 0 }],
      ['PUT', 'clock', { now: 'not a date' }],
      ['POST', 'api-users', { username: 'x' }],
      ['GET', 'units?contractId=1&serviceId=2&date=tomorrow', undefined],
      ['POST', 'zone-moves', { username: 'nobody@x.example' }],
    ] as const) {
      const reply = await admin(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(400);
      expect((reply.json as { error: string }).error).toEqual(expect.any(String));
    }
    const raw = await api.call('POST', `${sandbox.url}/_sandbox/reset`, '{oops', {});
    expect(raw.status).toBe(400);
  });

  it('reset restores the seed, clears faults and zeroes counters', async () => {
    sandbox.admin.setFaults([{ kind: '500' }]);
    await api.get('Companies/0');
    sandbox.admin.reset('empty');
    expect(sandbox.admin.stats()).toEqual({ requests: 0, byEntity: {}, rejected429: 0 });
    expect(sandbox.admin.requestCount()).toBe(0);
    expect((await api.get('Companies/174')).json).toEqual({ item: null });
    sandbox.admin.reset('demo');
    expect(
      ((await api.get('Companies/174')).json as { item: { companyName: string } }).item.companyName,
    ).toBe('Acme Corporation');
  });
});
