import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { createSyncHarness, demoCounts, demoWorkspaces, type SyncHarness } from './sync.test-support.js';

/** Sums `psa_requests_total` samples of one provider and kind (every entity and outcome). */
function psaRequests(metricsText: string, kind: string, outcome?: string): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('psa_requests_total{')) continue;
    if (!line.includes('psa="autotask"') || !line.includes(`kind="${kind}"`)) continue;
    if (outcome !== undefined && !line.includes(`outcome="${outcome}"`)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe.skipIf(isDatabaseUnavailable())(`PSA request metrics (${testDialect()})`, () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness();
    for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(21, 13));
  });
  afterAll(async () => {
    await h.close();
  });

  it('counts every request of a sync in psa_requests_total, by entity, kind and outcome', async () => {
    // /metrics is not open: a signed-in super admin may read it (or the METRICS_TOKEN bearer).
    const { cookie } = await h.t.login('super_admin');
    const scrape = async (): Promise<string> => {
      const response = await h.t.app.inject({ url: '/metrics', headers: { cookie } });
      expect(response.statusCode).toBe(200);
      return response.body;
    };
    const before = await scrape();
    const run = await h.run();
    const after = await scrape();
    expect(run.status).toBe('succeeded');
    expect(run.counters.psa_writes).toBeGreaterThan(0);
    // The registry is per process: compare the run's own counters with what it added.
    expect(psaRequests(after, 'write') - psaRequests(before, 'write')).toBe(run.counters.psa_writes);
    expect(psaRequests(after, 'write', 'ok') - psaRequests(before, 'write', 'ok')).toBe(
      run.counters.adjusted,
    );
    expect(psaRequests(after, 'read') - psaRequests(before, 'read')).toBe(run.counters.psa_reads);
    expect(after).toMatch(
      /psa_requests_total\{[^}]*entity="Contracts"[^}]*kind="read"[^}]*outcome="ok"\} \d+/,
    );
  });
});
