/**
 * Crash test: a worker running the sync is SIGKILLed at random moments, many times; each time a
 * new run must bring every contract service to its target with no adjustment sent twice.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { syncEnvironment } from './index.js';
import {
  undoLedgerKey,
  getLedgerRows,
  ledgerRowsAppliedByRun,
  pendingLedgerRows,
} from './ledger.repository.js';
import { executeUndo } from './undo.executor.js';
import { createSyncHarness, demoCounts, demoWorkspaces, type SyncHarness } from './sync.test-support.js';
import { bundledEntry, serverBundleOptions } from '../../scripts/build.mjs';
import { getSyncRun, undoRunsOf } from './sync-run.repository.js';

const childSource = fileURLToPath(new URL('./sync-crash.child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The worker is bundled once (apps/server/scripts/build.mjs's options) so that each of the many spawns
 * starts in a fraction of a second; `--import tsx` on the source is the fallback.
 */
async function workerCommand(): Promise<string[]> {
  try {
    const { build } = await import('esbuild');
    const outdir = join(repoRoot, 'node_modules', '.cache', 'coro-sync-crash', String(process.pid));
    // Bundled like the product (bin/coro-psa.mjs): workspace packages inlined, npm packages external.
    await build(serverBundleOptions(childSource, outdir));
    const outfile = bundledEntry(childSource, outdir);
    return [outfile];
  } catch {
    return ['--import', 'tsx', childSource];
  }
}
const day = 86_400_000;
const leaseMs = 300;
// Each round spawns a worker (tsx start-up dominates); CRASH_ROUNDS=200 for a soak run.
const rounds = Number(process.env.CRASH_ROUNDS ?? 6);
// A round takes 1–3 s on SQLite and up to ~5 s on PostgreSQL on a busy 2-core machine: the budget
// grows with the rounds (the default 6 keep the old 120 s), so a soak is never cut by the timeout.
const timeoutMs = 60_000 + rounds * 10_000;

/** A deterministic PRNG so a failure can be replayed (the seed is printed). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(isDatabaseUnavailable())(`sync crash safety (${testDialect()})`, () => {
  let h: SyncHarness;
  let command: string[];
  beforeAll(async () => {
    command = await workerCommand();
    h = await createSyncHarness();
    h.sb.admin.setLatency(15);
  });
  afterAll(async () => {
    await h.close();
    const bundled = command[0];
    if (bundled?.endsWith('.mjs')) rmSync(dirname(bundled), { recursive: true, force: true });
  });

  /** Spawns a worker (a sync, or an undo of `undoOfRunId`) and SIGKILLs it after that many writes. */
  const crashWorker = (killAfterWrites: number, undoOfRunId?: string) =>
    new Promise<{ writes: number; finished: boolean }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          ...command,
          JSON.stringify({
            database: h.t.database.location,
            discoveryBaseUrl: `${h.sb.url}/ATServicesRest/`,
            credentials: h.sb.apiUser,
            connectorId: h.connectorId,
            clockOffsetMs: h.clock().getTime() - Date.now(),
            leaseMs,
            ...(undoOfRunId ? { undoOfRunId } : {}),
          }),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let writes = 0;
      let finished = false;
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) {
          if (line.startsWith('write ')) writes = Number(line.slice(6));
          if (line.startsWith('finished')) finished = true;
          if (line.startsWith('write ') && writes >= killAfterWrites) child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
        else resolve({ writes, finished });
      });
    });

  it(
    `converges after ${rounds} workers were killed at random points, with no duplicate adjustment`,
    { timeout: timeoutMs },
    async () => {
      const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
      const random = prng(seed);
      let killedMidWrites = 0;
      for (let round = 1; round <= rounds; round++) {
        // Half the rounds stay on the same day (deferred dates), half move to a new day.
        if (round % 2 === 0) h.clock.advance(day);
        for (const [i, [name]] of demoWorkspaces.entries()) {
          await h.setUsage(
            name,
            demoCounts(10 + Math.floor(random() * 40) + i, 5 + Math.floor(random() * 30)),
          );
        }
        if (round % 3 === 0)
          h.sb.admin.setFaults([
            { entity: 'ContractServiceAdjustments', kind: 'commit-then-drop', rate: 0.3, count: 4 },
          ]);
        const killAfterWrites = Math.floor(random() * 12);
        const t0 = Date.now();
        const result = await crashWorker(killAfterWrites);
        h.sb.admin.clearFaults();
        const t1 = Date.now();
        if (!result.finished && result.writes > 0) killedMidWrites++;

        const recovery = await h.run({
          tuning: { leaseMs, writeRetry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 } },
        });
        expect(
          { status: recovery.status, error: recovery.errorMessage },
          `seed ${seed} round ${round}`,
        ).toStrictEqual({ status: 'succeeded', error: null });
        await h.expectConverged(recovery.runId);
        expect(h.duplicates(), `seed ${seed} round ${round}`).toStrictEqual([]);
        expect(await pendingLedgerRows(h.t.db, h.connectorId)).toStrictEqual([]);
        const t2 = Date.now();
        const again = await h.run({ tuning: { leaseMs } });
        if (process.env.CRASH_DEBUG)
          console.log({ round, child: t1 - t0, recovery: t2 - t1, again: Date.now() - t2, ...result });
        expect(
          again.counters.psa_writes,
          `seed ${seed} round ${round}: a second run after recovery writes nothing`,
        ).toBe(0);
      }
      expect(killedMidWrites, `seed ${seed}`).toBeGreaterThanOrEqual(rounds / 2);
    },
  );

  it(
    'an undo killed mid-way and re-run writes exactly one reversal per line',
    { timeout: 60_000 },
    async () => {
      h.clock.advance(day);
      for (const [i, [name]] of demoWorkspaces.entries()) await h.setUsage(name, demoCounts(60 + i, 40 + i));
      const run = await h.run({ tuning: { leaseMs } });
      const writes = await ledgerRowsAppliedByRun(h.t.db, run.runId);
      expect(writes.length).toBeGreaterThan(10);
      const sentBefore = h.sb.admin.adjustments().length;

      const crashed = await crashWorker(Math.floor(writes.length / 3), run.runId);
      expect(crashed).toMatchObject({ finished: false });
      expect(crashed.writes).toBeGreaterThan(0);
      expect(crashed.writes).toBeLessThan(writes.length);

      const again = await executeUndo(syncEnvironment(h.t.ctx), {
        originalRunId: run.runId,
        trigger: 'manual',
        tuning: { leaseMs },
      });
      expect({ status: again.status, error: again.errorMessage }).toStrictEqual({
        status: 'succeeded',
        error: null,
      });
      expect(h.sb.admin.adjustments().length - sentBefore, 'one reversal per line, none twice').toBe(
        writes.length,
      );
      expect(h.duplicates()).toStrictEqual([]);
      expect(await pendingLedgerRows(h.t.db, h.connectorId)).toStrictEqual([]);
      // Each reversal, on its own date (after the run's, which may be a deferred day), holds the prior units.
      const keys = writes.map((w) =>
        undoLedgerKey(w.connector_id, w.contract_id, w.psa_service_id, w.line_id),
      );
      const reversals = new Map((await getLedgerRows(h.t.db, keys)).map((r) => [r.key, r]));
      for (const [i, w] of writes.entries()) {
        const reversal = reversals.get(keys[i] ?? '');
        expect(reversal?.state).toBe('applied');
        expect((reversal?.effective_date ?? '') > w.effective_date).toBe(true);
        const units = h.sb.admin.unitsOn(
          Number(w.contract_id),
          Number(w.psa_service_id),
          reversal?.effective_date ?? '',
        );
        expect({ key: w.key, units }).toStrictEqual({ key: w.key, units: w.from_units });
      }
      expect((await getSyncRun(h.t.db, run.runId))?.undo_state).toBe('undone');
      const [, interrupted] = await undoRunsOf(h.t.db, run.runId);
      expect(interrupted).toMatchObject({ status: 'failed', error_code: 'interrupted' });
    },
  );
});
