import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { errorsOf, RawApi } from './testing/api-client.js';
import type { Sandbox } from './types.js';

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'empty', latencyTierScale: 0 });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.admin.reset('empty');
  sandbox.admin.setClock('2026-06-15T12:00:00Z');
  sandbox.admin.setLimits({ hourlyThreshold: 10_000, latencyTierScale: 0, threadLimit: 3 });
  sandbox.admin.setLatency(0);
});

describe('hourly request threshold', () => {
  it('ThresholdInformation reports threshold, timeframe and the rolling count', async () => {
    sandbox.admin.setLimits({ hourlyThreshold: 50 });
    await api.get('Companies/0');
    await api.get('Companies/0');
    const reply = await api.get('ThresholdInformation');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      externalRequestThreshold: 50,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 3,
    });
    expect(sandbox.admin.requestCount()).toBe(3);
  });

  it('zoneInformation and /_sandbox do not count', async () => {
    await api.call(
      'GET',
      `${sandbox.url}/ATServicesRest/V1.0/zoneInformation?user=${encodeURIComponent(sandbox.apiUser.username)}`,
      undefined,
      {},
    );
    await api.call('GET', `${sandbox.url}/_sandbox/stats`, undefined, {});
    expect(sandbox.admin.requestCount()).toBe(0);
  });

  it('answers 429 once the rolling hour is used up, and recovers when it rolls over', async () => {
    sandbox.admin.setLimits({ hourlyThreshold: 4 });
    for (let i = 0; i < 4; i++) expect((await api.get('Companies/0')).status).toBe(200);
    const rejected = await api.get('Companies/0');
    expect(rejected.status).toBe(429);
    expect(errorsOf(rejected)[0]).toMatch(/threshold/);
    expect(sandbox.admin.stats().rejected429).toBe(1);
    sandbox.admin.setClock('2026-06-15T12:59:00Z');
    expect((await api.get('Companies/0')).status).toBe(429);
    sandbox.admin.setClock('2026-06-15T13:00:01Z');
    expect((await api.get('Companies/0')).status).toBe(200);
  });

  it('adds latency from 50 % and 75 % of the threshold', async () => {
    sandbox.admin.setLimits({ hourlyThreshold: 8, latencyTierScale: 0.2 });
    const timed = async (): Promise<number> => {
      const started = performance.now();
      await api.get('Companies/0');
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) await timed();
    // 4th request = 50 % → +100 ms; 6th = 75 % → +200 ms (lower bounds only: the machine may be slower).
    expect(await timed()).toBeGreaterThanOrEqual(95);
    await timed();
    expect(await timed()).toBeGreaterThanOrEqual(195);
  });
});

describe('thread limit', () => {
  it('more than 3 in-flight requests per integration code and entity → 429 thread threshold', async () => {
    // Each request holds its slot for 1 s, long enough for all of them to overlap on a loaded machine.
    sandbox.admin.setLatency(1000);
    const replies = await Promise.all([
      api.get('Companies/0'),
      api.post('Companies/query', { filter: [{ op: 'eq', field: 'id', value: 0 }] }),
      api.get('Companies/entityInformation'),
      api.get('Companies/0'),
      api.get('Resources/29682885'),
    ]);
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const rejected = replies.find((r) => r.status === 429);
    expect(rejected && errorsOf(rejected)).toEqual([
      'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.',
    ]);
    // Another entity is a separate bucket.
    expect(statuses[4]).toBe(200);
  });

  it('another tracking identifier has its own buckets', async () => {
    sandbox.admin.setLatency(1000);
    sandbox.admin.addApiUser({ username: 'other@x.example', secret: 'o', integrationCode: 'OTHER' });
    const other = new RawApi(sandbox, { username: 'other@x.example', secret: 'o', integrationCode: 'OTHER' });
    const replies = await Promise.all([
      api.get('Companies/0'),
      api.get('Companies/0'),
      api.get('Companies/0'),
      other.get('Companies/0'),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('the limit is configurable', async () => {
    sandbox.admin.setLatency(1000);
    sandbox.admin.setLimits({ threadLimit: 1 });
    const replies = await Promise.all([api.get('Companies/0'), api.get('Companies/0')]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 429]);
  });
});
