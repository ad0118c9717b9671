import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { createSyncHarness, demoCounts, demoWorkspaces, type SyncHarness } from './sync.test-support.js';
import { pendingLedgerRows } from './ledger.repository.js';

const day = 86_400_000;
const fastWrites = { writeRetry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 } } as const;

describe.skipIf(isDatabaseUnavailable())(`billing sync under Autotask failures (${testDialect()})`, () => {
  let h: SyncHarness;
  let round = 0;
  /** A fresh day with new counts everywhere, so every resolvable line needs a write. */
  const newTargets = async (): Promise<void> => {
    round++;
    h.clock.advance(day);
    for (const [i, [name]] of demoWorkspaces.entries())
      await h.setUsage(name, demoCounts(10 + round * 3 + i, 5 + round * 2 + i));
  };
  const adjustmentEntity = (): string =>
    Object.keys(h.sb.admin.stats().byEntity).find((e) => /adjustment/i.test(e)) ??
    'ContractServiceAdjustments';

  beforeAll(async () => {
    h = await createSyncHarness();
    await newTargets();
    const first = await h.run();
    expect(first.status).toBe('succeeded');
  });
  afterAll(async () => {
    await h.close();
  });

  it('converges through a 429 storm on reads and writes without a duplicate', async () => {
    await newTargets();
    h.sb.admin.setFaults([
      { entity: adjustmentEntity(), kind: '429', rate: 0.5, count: 25, retryAfterSeconds: 0 },
      { entity: 'Contracts', kind: '429', rate: 0.5, count: 3, retryAfterSeconds: 0 },
      { entity: 'ContractServiceUnits', kind: '429', rate: 0.5, count: 3, retryAfterSeconds: 0 },
    ]);
    const run = await h.run({ tuning: fastWrites });
    h.sb.admin.clearFaults();
    expect(h.sb.admin.stats().rejected429).toBeGreaterThan(5);
    expect(run.status).toBe('succeeded');
    expect(run.counters.failed).toBe(0);
    expect(run.counters.psa_writes).toBeGreaterThan(run.counters.adjusted);
    await h.expectConverged(run.runId);
    expect(h.duplicates()).toStrictEqual([]);
  });

  it.each(['commit-then-drop', 'reset'] as const)(
    'settles ambiguous write failures (%s) by re-reading, never twice',
    async (kind) => {
      await newTargets();
      const before = h.sb.admin.adjustments().length;
      h.sb.admin.setFaults([{ entity: adjustmentEntity(), kind, rate: 0.4, count: 8 }]);
      const run = await h.run({ tuning: fastWrites });
      h.sb.admin.clearFaults();
      expect(run.status).toBe('succeeded');
      await h.expectConverged(run.runId);
      expect(h.duplicates()).toStrictEqual([]);
      expect(h.sb.admin.adjustments().length - before).toBe(run.counters.adjusted);
      expect(await pendingLedgerRows(h.t.db, h.connectorId)).toStrictEqual([]);
      const lines = await h.lines(run.runId);
      expect(lines.some((l) => l.detail?.includes('re-reading'))).toBe(kind === 'commit-then-drop');
    },
  );

  it('keeps going when the zone moves in the middle of a run', async () => {
    await newTargets();
    let moved = false;
    const run = await h.run({
      onProgress: (event) => {
        if (!moved && event.counters.psaWrites >= 3) {
          moved = true;
          h.sb.admin.moveZone();
        }
      },
    });
    expect(moved).toBe(true);
    expect(run.status).toBe('succeeded');
    await h.expectConverged(run.runId);
    expect(h.duplicates()).toStrictEqual([]);
  });

  it("one chunk's read failure becomes psa_error lines and the others are applied", async () => {
    await newTargets();
    // POST only: the adapter's GET of the Contracts picklists must not take the fault (it falls
    // back to the documented values), or the read under test would never fail.
    h.sb.admin.setFaults([{ entity: 'Contracts', method: 'POST', kind: '500', count: 1 }]);
    const run = await h.run({ tuning: { companiesPerChunk: 3 } });
    h.sb.admin.clearFaults();
    expect(run.status).toBe('partial');
    const lines = await h.lines(run.runId);
    const failed = lines.filter((l) => l.problem === 'psa_error');
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((l) => l.workspace_name)).size).toBeLessThanOrEqual(6);
    for (const l of failed) expect(l.advice).toBeTruthy();
    expect(lines.filter((l) => l.status === 'applied').length).toBeGreaterThan(5);
    await h.expectConverged(run.runId);
    // The next run picks the failed companies up.
    const next = await h.run();
    expect(next.status).toBe('succeeded');
    expect(next.counters.adjusted).toBeGreaterThan(0);
    expect((await h.lines(next.runId)).filter((l) => l.problem === 'psa_error')).toStrictEqual([]);
    await h.expectConverged(next.runId);
  });

  it('reads in batches: calls stay near the lower bound', async () => {
    await newTargets();
    const before = h.sb.admin.stats();
    const run = await h.run();
    const after = h.sb.admin.stats();
    const reads = (entity: string): number => (after.byEntity[entity] ?? 0) - (before.byEntity[entity] ?? 0);
    // Batched for the whole channel: a handful of requests per step (the adapter may re-discover
    // the zone moved by an earlier test), never one per line (a naive sync needs 3 per line).
    // bench/sync.bench.ts measures the ratio to the lower bound at scale.
    const lines = (await h.lines(run.runId)).length;
    expect(reads('Contracts')).toBeLessThanOrEqual(4);
    expect(reads('ContractServices')).toBeLessThanOrEqual(4);
    expect(reads('ContractServiceUnits')).toBeLessThanOrEqual(4);
    expect(reads('Contracts') + reads('ContractServices') + reads('ContractServiceUnits')).toBeLessThan(
      lines,
    );
    expect(reads(adjustmentEntity())).toBe(run.counters.adjusted);
  });
});
