/**
 * A first sync that uses up its share of Autotask's hourly budget pauses (it does not fail), says
 * so in its progress and on its run row while it waits, and finishes once the hour has moved on.
 * Time is virtual and shared by the app, the Autotask connection and the sandbox: the connection's
 * pause of nearly an hour passes at once.
 */
import { SyncRun as SyncRunSchema, type SyncRun } from '@coro/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { toSyncRun } from './sync-run.view.js';
import { syncEnvironment, type SyncProgressEvent, type SyncRunSummary } from './index.js';
import { executeSync } from './sync.executor.js';
import {
  createSyncHarness,
  demoCounts,
  demoWorkspaces,
  tenantZone,
  type SyncHarness,
} from './sync.test-support.js';
import { getSyncRun } from './sync-run.repository.js';

const hourMs = 3_600_000;

/**
 * Midday in the tenant's zone, today or tomorrow: never before now (the sandbox's request log only
 * moves forward), and a pause of an hour stays on the same tenant day.
 */
function nextTenantMidday(now: Date): Date {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: tenantZone }).format(now);
  const midday = new Date(`${day}T17:00:00Z`); // 12:00 or 13:00 in New York
  return midday.getTime() >= now.getTime() ? midday : new Date(midday.getTime() + 24 * hourMs);
}

interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string | undefined;
}

interface PacedRun {
  readonly h: SyncHarness;
  readonly summary: SyncRunSummary;
  readonly startedAt: number;
  /** Every progress event, with the (virtual) time it was published. */
  readonly events: readonly { readonly at: number; readonly event: SyncProgressEvent }[];
  /** What a console following the run through its row (another process) read during each pause. */
  readonly followed: readonly (SyncRun | undefined)[];
  readonly logs: readonly LogLine[];
}

/**
 * One apply run of the demo channel at `hourlyThreshold` requests per hour for the tenant, after
 * `before` (e.g. another integration using the budget) ran at the run's start time.
 */
async function runPaced(options: {
  hourlyThreshold: number;
  before?: (h: SyncHarness) => Promise<void>;
}): Promise<PacedRun> {
  let runId: string | undefined;
  const followed: (SyncRun | undefined)[] = [];
  const events: { at: number; event: SyncProgressEvent }[] = [];
  const logs: LogLine[] = [];

  /** The run as GET …/runs/:runId shows it, once the row carries a wait (or after 5 s). */
  const rowWhileWaiting = async (h: SyncHarness): Promise<SyncRun | undefined> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const row = runId === undefined ? undefined : await getSyncRun(h.t.db, runId);
      const run = row && toSyncRun(row);
      if (run?.wait !== undefined || Date.now() > deadline) return run;
      await sleep(10);
    }
  };

  // The sandbox-sharing clock is built before the harness it reads the run row from.
  const ref: { harness?: SyncHarness } = {};
  const h = await createSyncHarness({
    provider: ({ sb, clock }) => ({
      // No spacing: the budget is spent at full speed, then the run has to pause.
      slowdownFrom: 1,
      clock: {
        now: () => clock().getTime(),
        sleep: async (ms) => {
          // Concurrent sleepers wake at the later of their ends, not after the sum of their waits.
          const until = clock().getTime() + ms;
          if (ms >= 30_000 && ref.harness && followed.length < 3)
            followed.push(await rowWhileWaiting(ref.harness));
          if (clock().getTime() < until) clock.set(new Date(until));
          sb.admin.setClock(clock().toISOString());
        },
      },
    }),
  });
  ref.harness = h;
  const start = nextTenantMidday(h.clock());
  h.clock.set(start);
  h.sb.admin.setClock(start.toISOString());
  h.sb.admin.setLimits({ hourlyThreshold: options.hourlyThreshold, latencyTierScale: 0 });
  for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(20, 15));
  await h.setUsage('Acme Corporation', demoCounts(42, 37));
  await options.before?.(h);

  const capture =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, obj, msg });
    };
  const startedAt = h.clock().getTime();
  const summary = await executeSync(
    {
      ...syncEnvironment(h.t.ctx),
      logger: { info: capture('info'), warn: capture('warn'), error: capture('error') },
    },
    {
      connectorId: h.connectorId,
      mode: 'apply',
      trigger: 'manual',
      onProgress: (event) => {
        runId ??= event.runId;
        events.push({ at: h.clock().getTime(), event });
      },
    },
  );
  return { h, summary, startedAt, events, followed, logs };
}

/** The run converged with every adjustment sent exactly once. */
async function expectConvergedOnce(run: PacedRun): Promise<void> {
  const { h, summary } = run;
  expect(summary.status).toBe('succeeded');
  expect(summary.counters.failed).toBe(0);
  expect(summary.counters.psa_writes).toBe(summary.counters.adjusted);
  expect(h.sb.admin.adjustments()).toHaveLength(summary.counters.adjusted);
  await h.expectConverged(summary.runId);
  expect(h.duplicates()).toStrictEqual([]);
}

describe.skipIf(isDatabaseUnavailable())(
  `a sync that uses its share of the hourly API budget (${testDialect()})`,
  () => {
    const hourlyThreshold = 24;
    /** The connector allows itself half of the tenant's budget (its default share). */
    const allowance = hourlyThreshold / 2;
    let run: PacedRun;
    let h: SyncHarness;
    let summary: SyncRunSummary;
    let events: PacedRun['events'];
    let startedAt: number;
    beforeAll(async () => {
      run = await runPaced({ hourlyThreshold });
      ({ h, summary, events, startedAt } = run);
    });
    afterAll(async () => {
      await run.h.close();
    });

    it('pauses instead of failing, and converges without a duplicate adjustment', async () => {
      await expectConvergedOnce(run);
      expect(summary.counters.adjusted).toBeGreaterThan(allowance);
      // An hour went by (virtually) and Autotask never had to refuse us.
      expect(h.clock().getTime() - startedAt).toBeGreaterThanOrEqual(hourMs - 60_000);
      expect(h.sb.admin.stats().rejected429).toBe(0);
    });

    it('announces the pause at once, in Autotask’s words, with a sensible resume time', () => {
      const first = events.findIndex((e) => e.event.wait !== undefined);
      expect(first).toBeGreaterThan(0);
      const { at, event } = events[first]!;
      const wait = event.wait!;
      expect(event.phase).not.toBe('finished');
      expect(wait).toMatchObject({ reason: 'share_used', allowance, tenantLimit: hourlyThreshold });
      expect(wait.ourCallsInWindow).toBeGreaterThanOrEqual(allowance);
      // Our first request left the rolling hour at most an hour after the run began.
      const resumesAt = Date.parse(wait.resumesAt);
      expect(resumesAt).toBeGreaterThan(at + hourMs / 2);
      expect(resumesAt).toBeLessThanOrEqual(startedAt + hourMs + 1_000);
      expect(wait.message).toMatch(
        new RegExp(
          `^Paused: this connector has used its share of Autotask's hourly API budget \\(${allowance} of ` +
            `${hourlyThreshold} requests; the share is set so other integrations keep working\\)\\. ` +
            `Resumes about \\d\\d:\\d\\d UTC — nothing to do\\.$`,
        ),
      );
    });

    it('clears the wait as soon as requests flow again, while the run still works', () => {
      const first = events.findIndex((e) => e.event.wait !== undefined);
      const cleared = events.findIndex((e, i) => i > first && e.event.wait === undefined);
      expect(cleared).toBeGreaterThan(first);
      const { at, event } = events[cleared]!;
      expect(event.phase).not.toBe('finished');
      expect(at).toBeGreaterThanOrEqual(Date.parse(events[first]!.event.wait!.resumesAt) - 1_000);
      // More was written after the pause than before it ended.
      expect(events.at(-1)!.event.counters.psaWrites).toBeGreaterThan(event.counters.psaWrites);
      expect(events.at(-1)!.event.wait).toBeUndefined();
    });

    it('shows the wait on the run row for consoles in other processes, and clears it at the end', async () => {
      const { followed } = run;
      expect(followed.length).toBeGreaterThan(0);
      const during = followed[0];
      expect(during && Value.Check(SyncRunSchema, during)).toBe(true);
      expect(during?.status).toBe('running');
      expect(during?.wait).toMatchObject({ reason: 'share_used', allowance, tenantLimit: hourlyThreshold });
      const row = await getSyncRun(h.t.db, summary.runId);
      expect(row?.wait_json).toBeNull();
      const after = toSyncRun(row!);
      expect(Value.Check(SyncRunSchema, after)).toBe(true);
      expect(after.wait).toBeUndefined();
    });

    it('logs the pause and the resumption, without the connector secret', () => {
      const { logs } = run;
      const paused = logs.find((l) => l.msg === 'sync paused (share_used)');
      expect(paused?.obj).toMatchObject({ runId: summary.runId, wait: { reason: 'share_used', allowance } });
      const resumed = logs.find((l) => l.msg === 'sync resumed: requests flow again');
      expect(resumed?.obj).toMatchObject({ runId: summary.runId, reason: 'share_used' });
      expect(JSON.stringify(logs)).not.toContain(h.sb.apiUser.secret);
    });
  },
);

describe.skipIf(isDatabaseUnavailable())(
  `a sync while other integrations used up the tenant's hourly API limit (${testDialect()})`,
  () => {
    // Large enough that our own share (half) outlasts the run plus its minute-by-minute re-checks.
    const hourlyThreshold = 200;
    let run: PacedRun;
    beforeAll(async () => {
      run = await runPaced({
        hourlyThreshold,
        // Another integration of the same tenant spends the whole hour's budget (plain HTTP).
        before: async (h) => {
          for (let i = 0; i < hourlyThreshold; i += 1) {
            const response = await fetch(`${h.sb.zoneUrl}V1.0/Companies/query`, {
              method: 'POST',
              headers: {
                'Content-Type': 'application/json',
                ApiIntegrationCode: h.sb.apiUser.integrationCode,
                UserName: h.sb.apiUser.username,
                Secret: h.sb.apiUser.secret,
              },
              body: JSON.stringify({ filter: [{ op: 'eq', field: 'id', value: 0 }] }),
            });
            await response.text();
          }
        },
      });
    });
    afterAll(async () => {
      await run.h.close();
    });

    it('waits for the tenant, checking again each minute, as one steady pause', async () => {
      const { events, startedAt, summary, logs } = run;
      await expectConvergedOnce(run);
      const first = events.findIndex((e) => e.event.wait !== undefined);
      const cleared = events.findIndex((e, i) => i > first && e.event.wait === undefined);
      expect(first).toBeGreaterThan(0);
      expect(cleared).toBeGreaterThan(first);
      const during = events.slice(first, cleared).map((e) => e.event.wait!);
      // Each re-check that finds the limit still used up moves the time on without a gap.
      expect(during.every((w) => w.reason === 'tenant_exhausted')).toBe(true);
      expect(new Set(during.map((w) => w.resumesAt)).size).toBeGreaterThan(30);
      expect(during[0]!.tenantUsed).toBe(during[0]!.tenantLimit);
      expect(during[0]!.message).toMatch(
        /^Paused: Autotask's hourly API limit is used up by all integrations together \([\d,]+ of [\d,]+ requests\)\. The sync checks again about \d\d:\d\d UTC and resumes when Autotask allows more requests — nothing to do\.$/,
      );
      expect(events.slice(cleared).every((e) => e.event.wait === undefined)).toBe(true);
      // The other integration's hour had to pass first.
      expect(events[cleared]!.at - startedAt).toBeGreaterThanOrEqual(hourMs - 60_000);
      expect(run.followed[0]?.wait?.reason).toBe('tenant_exhausted');
      // Logged once when the pause began, once when it ended: not at every re-check.
      expect(logs.filter((l) => l.msg === 'sync paused (tenant_exhausted)')).toHaveLength(1);
      expect(logs.filter((l) => l.msg === 'sync resumed: requests flow again')).toHaveLength(1);
      expect(summary.counters.adjusted).toBeGreaterThan(0);
    });
  },
);
