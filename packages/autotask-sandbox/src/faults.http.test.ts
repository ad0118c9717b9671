import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { RawApi } from './testing/api-client.js';
import type { Sandbox } from './types.js';

let sandbox: Sandbox;
let api: RawApi;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo', latencyTierScale: 0 });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.admin.reset('demo'));

describe('fault injection', () => {
  it.each(['429', '500', '502', '503', '504'] as const)(
    '%s answers with that status once, then expires',
    async (kind) => {
      sandbox.admin.setFaults([{ entity: 'Companies', kind, count: 1, retryAfterSeconds: 7 }]);
      const faulted = await api.get('Companies/174');
      expect(faulted.status).toBe(Number(kind));
      expect(faulted.headers.get('retry-after')).toBe('7');
      expect((await api.get('Companies/174')).status).toBe(200);
    },
  );

  it('matches entity and method; rate 0 never fires', async () => {
    sandbox.admin.setFaults([
      { entity: 'ContractServiceAdjustments', method: 'POST', kind: '500' },
      { entity: 'Contracts', kind: '503', rate: 0 },
    ]);
    expect((await api.get('Companies/174')).status).toBe(200);
    expect((await api.get('Contracts/1001')).status).toBe(200);
    const adj = await api.post('Contracts/1001/ServiceAdjustments', {
      serviceID: 201,
      unitChange: 1,
      effectiveDate: `${year}-05-05T12:00:00Z`,
    });
    expect(adj.status).toBe(500);
    expect(sandbox.admin.adjustments()).toHaveLength(0);
    sandbox.admin.clearFaults();
    expect(
      (
        await api.post('Contracts/1001/ServiceAdjustments', {
          serviceID: 201,
          unitChange: 1,
          effectiveDate: `${year}-05-05T12:00:00Z`,
        })
      ).status,
    ).toBe(200);
  });

  it('a rule without entity hits every entity route but not zoneInformation', async () => {
    sandbox.admin.setFaults([{ kind: '502' }]);
    expect((await api.get('Services/201')).status).toBe(502);
    const zone = await api.call(
      'GET',
      `${sandbox.url}/ATServicesRest/V1.0/zoneInformation?user=${encodeURIComponent(sandbox.apiUser.username)}`,
      undefined,
      {},
    );
    expect(zone.status).toBe(200);
    sandbox.admin.setFaults([{ entity: 'zoneInformation', kind: '503' }]);
    const faultedZone = await api.call(
      'GET',
      `${sandbox.url}/ATServicesRest/V1.0/zoneInformation?user=x`,
      undefined,
      {},
    );
    expect(faultedZone.status).toBe(503);
  });

  it('timeout holds the request open until the client gives up', async () => {
    sandbox.admin.setFaults([{ entity: 'Companies', kind: 'timeout', count: 1 }]);
    const started = performance.now();
    await expect(
      fetch(`${sandbox.zoneUrl}V1.0/Companies/174`, {
        headers: api.headers(),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow(/timeout|aborted/i);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((await api.get('Companies/174')).status).toBe(200);
  });

  it('reset destroys the socket without a response', async () => {
    sandbox.admin.setFaults([{ entity: 'Companies', kind: 'reset', count: 1 }]);
    await expect(fetch(`${sandbox.zoneUrl}V1.0/Companies/174`, { headers: api.headers() })).rejects.toThrow(
      /fetch failed/,
    );
    expect((await api.get('Companies/174')).status).toBe(200);
  });

  it('commit-then-drop commits the create, then drops the connection', async () => {
    sandbox.admin.setFaults([
      { entity: 'ContractServiceAdjustments', method: 'POST', kind: 'commit-then-drop', count: 1 },
    ]);
    const body = JSON.stringify({ serviceID: 201, unitChange: 3, effectiveDate: `${year}-06-10T12:00:00Z` });
    await expect(
      fetch(`${sandbox.zoneUrl}V1.0/Contracts/1001/ServiceAdjustments`, {
        method: 'POST',
        headers: api.headers(),
        body,
      }),
    ).rejects.toThrow(/fetch failed/);
    expect(sandbox.admin.adjustments()).toEqual([
      expect.objectContaining({ contractID: 1001, serviceID: 201, unitChange: 3 }),
    ]);
    // A blind retry is now a duplicate: exactly what a client must guard against by re-reading first.
    const retry = await api.post('Contracts/1001/ServiceAdjustments', JSON.parse(body));
    expect(retry.status).toBe(500);
  });

  it('rejects invalid rules', () => {
    expect(() => sandbox.admin.setFaults([{ kind: '418' as '429' }])).toThrow(/kind/);
    expect(() => sandbox.admin.setFaults([{ kind: '500', rate: 2 }])).toThrow(/rate/);
  });
});
