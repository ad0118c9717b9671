/**
 * A run asked to stop (shutdown, ADR 0010) goes back to `queued` at a safe point and resumes as
 * the same run: one line per (workspace, service), whole-run counters, nothing written twice.
 * In-process twin of jobs/restart.int.test.ts, which does the same with real processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import {
  createSyncHarness,
  demoCounts,
  demoServices,
  demoWorkspaces,
  type SyncHarness,
} from './sync.test-support.js';

describe.skipIf(isDatabaseUnavailable())(`sync stop and resume (${testDialect()})`, () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness();
    for (const [i, [name]] of demoWorkspaces.entries()) await h.setUsage(name, demoCounts(40 + i, 25 + i));
  });
  afterAll(() => h.close());

  it('stops between writes, then the same run resumes with each line once', async () => {
    h.sb.admin.setLatency(150);
    const stop = new AbortController();
    const first = h.run({
      stopSignal: stop.signal,
      onProgress: (event) => {
        if (event.counters.psaWrites >= 2) stop.abort();
      },
    });
    const interrupted = await first;
    expect({ status: interrupted.status, code: interrupted.errorCode }).toStrictEqual({
      status: 'queued',
      code: 'interrupted_by_shutdown',
    });
    const landed = h.sb.admin.adjustments().length;
    expect(landed).toBeGreaterThanOrEqual(2);
    expect(landed).toBeLessThan(demoWorkspaces.length * demoServices.length);

    h.sb.admin.setLatency(0);
    // A scheduled job carries no run id: the connector's interrupted run is found and resumed.
    const resumed = await h.run({ trigger: 'schedule' });
    expect(resumed.runId).toBe(interrupted.runId);
    expect(resumed.status).toBe('succeeded');
    const lines = await h.lines(resumed.runId);
    const keys = new Set(lines.map((l) => `${l.workspace_id}/${l.service_key}`));
    expect(keys.size).toBe(lines.length);
    expect(resumed.counters.lines_total).toBe(lines.length);
    expect(resumed.counters.adjusted).toBe(h.sb.admin.adjustments().length);
    expect(resumed.counters.psa_writes).toBeGreaterThanOrEqual(resumed.counters.adjusted);
    await h.expectConverged(resumed.runId);
    expect(h.duplicates()).toStrictEqual([]);
    const row = await h.t.db
      .selectFrom('sync_runs')
      .select('resumed_at')
      .where('id', '=', resumed.runId)
      .executeTakeFirstOrThrow();
    expect(row.resumed_at).not.toBeNull();
  });

  it('a run stuck in a slow call is cut after stopWaitMs and is queued to resume', async () => {
    await h.setUsage(demoWorkspaces[0]?.[0] ?? '', demoCounts(7, 7));
    h.sb.admin.setLatency(4_000);
    const stop = new AbortController();
    const startedAt = Date.now();
    const running = h.run({ stopSignal: stop.signal, tuning: { stopWaitMs: 100 } });
    setTimeout(() => stop.abort(), 300);
    const summary = await running;
    expect(summary.status).toBe('queued');
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    h.sb.admin.setLatency(0);
    const resumed = await h.run();
    expect(resumed.runId).toBe(summary.runId);
    expect(resumed.status).toBe('succeeded');
    expect(h.duplicates()).toStrictEqual([]);
  });
});
