import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConnectorHarness, type ConnectorHarness } from '../../test/connector-harness.js';
import {
  fleetProblems,
  fleetTenantId,
  fleetTimeZone,
  seedFleet,
  type FleetConnector,
} from '../../test/fleet.fixtures.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import type { AppContext } from '../app/app-context.js';
import { waitFor } from './job-queue.contract.js';
import { startJobs, type JobsRuntime } from './jobs.runtime.js';
import { requestSyncNow } from './sync-now.js';

const TENANTS = 10;
/** Two connectors (two channels, two API users, one tracking identifier) share each tenant database. */
const PER_TENANT = 2;
const SLOW = 0;
const FAILING = 1;

/**
 * Many connectors' syncs at once through the job queue the app uses (pg-boss on PostgreSQL,
 * LocalQueue on SQLite) against one sandbox serving many Autotask tenants: every tenant converges
 * exactly once, no tenant ever sees a 4th request in flight on an endpoint or a 429, and a slow
 * tenant and a failing one do not hold the others up.
 */
describe.skipIf(isDatabaseUnavailable())(`a fleet of connectors per worker (${testDialect()})`, () => {
  let h: ConnectorHarness;
  let ctx: AppContext;
  let jobs: JobsRuntime | undefined;
  let fleet: FleetConnector[] = [];
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: fleetTimeZone }).format(new Date());

  beforeAll(async () => {
    h = await createConnectorHarness({ seed: 'empty' });
    const location = h.database.location;
    ctx = {
      ...h.ctx,
      // The sandbox's contracts run around the real today; the harness clock is frozen.
      clock: () => new Date(),
      config: {
        ...h.ctx.config,
        syncConcurrency: 8,
        ...(location.driver === 'postgres' ? { database: { driver: 'postgres', url: location.url } } : {}),
      },
    };
    // Enough latency that syncs of one tenant overlap in the sandbox.
    h.sandbox.admin.setLatency(30);
    fleet = await seedFleet(
      h.db,
      h.sandbox,
      h.ctx.secretBox,
      {
        tenants: TENANTS,
        connectorsPerTenant: PER_TENANT,
        workspaces: 3,
        services: 2,
        changeEvery: 2,
        integrationCode: h.sandbox.apiUser.integrationCode,
        tenantLimits: (t) => (t === SLOW ? { latencyMs: 2_000 } : {}),
      },
      today,
    );
    // Every read of the failing tenant's contracts answers 500: its syncs fail, nothing is written.
    h.sandbox.admin.tenant(fleetTenantId(FAILING)).setFaults([{ entity: 'Contracts', kind: '500' }]);
  }, 60_000);
  afterAll(async () => {
    await jobs?.stop({ graceful: true, timeoutMs: 10_000 });
    await h.close();
  });

  const runStatuses = async (runIds: readonly string[]): Promise<Map<string, string>> => {
    const rows = await h.db
      .selectFrom('sync_runs')
      .select(['id', 'status'])
      .where('id', 'in', [...runIds])
      .execute();
    return new Map(rows.map((r) => [r.id, r.status]));
  };
  const isFinished = (status: string | undefined): boolean =>
    status === 'succeeded' || status === 'failed' || status === 'partial';

  it('20 connectors over 10 tenants, 8 syncs at once: each healthy tenant converges exactly once', async () => {
    jobs = await startJobs(ctx, { role: 'serve' });
    const queue = jobs.queue;
    const runs = new Map<string, string>();
    for (const connector of fleet) {
      const { runId } = await requestSyncNow(h.db, queue, connector.connectorId);
      runs.set(connector.connectorId, runId ?? '');
    }
    const tenantOf = (c: FleetConnector): number => Number(c.tenantId.slice('msp-'.length));
    const slow = fleet.filter((c) => tenantOf(c) === SLOW);
    const others = fleet.filter((c) => tenantOf(c) !== SLOW);
    const runOf = (c: FleetConnector): string => runs.get(c.connectorId) ?? '';

    // The others all finish while the slow tenant's syncs (2 s a call) are still under way.
    await waitFor(
      async () =>
        [...(await runStatuses(others.map(runOf))).values()].filter(isFinished).length === others.length,
      60_000,
      'the syncs of the other tenants',
    );
    const slowMeanwhile = await runStatuses(slow.map(runOf));
    expect(slow.map((c) => isFinished(slowMeanwhile.get(runOf(c))))).toStrictEqual([false, false]);

    await waitFor(
      async () => [...(await runStatuses(slow.map(runOf))).values()].every(isFinished),
      90_000,
      'the slow tenant',
    );
    const statuses = await runStatuses([...runs.values()]);
    // The failing tenant's runs are recorded as not succeeded (`partial`: its lines failed).
    const outcome = (status: string | undefined): string =>
      status === 'succeeded' ? 'succeeded' : isFinished(status) ? 'did not succeed' : `${status}`;
    expect(fleet.map((c) => [c.tenantId, outcome(statuses.get(runOf(c)))])).toStrictEqual(
      fleet.map((c) => [c.tenantId, tenantOf(c) === FAILING ? 'did not succeed' : 'succeeded']),
    );
    const healthy = fleet.filter((c) => tenantOf(c) !== FAILING);
    expect(healthy.flatMap((c) => fleetProblems(h.sandbox, c, today))).toStrictEqual([]);
    // Each connector had changes to make: the check above proves each was made once.
    expect(healthy.every((c) => c.lines.some((l) => l.isChanged))).toBe(true);
    expect(h.sandbox.admin.tenant(fleetTenantId(FAILING)).adjustments()).toStrictEqual([]);
  }, 180_000);

  it('no tenant ever had more than 3 requests in flight on one endpoint, nor a 429', () => {
    const tenants = h.sandbox.admin.tenants().filter((t) => t.id !== 'default');
    expect(tenants).toHaveLength(TENANTS);
    // Both connectors of each tenant did call it (the sharing is real, not one connector alone).
    expect(tenants.every((t) => t.requests > 0)).toBe(true);
    expect(tenants.map((t) => [t.id, t.maxInFlight <= 3, t.rejected429])).toStrictEqual(
      tenants.map((t) => [t.id, true, 0]),
    );
    // The limit was reached, not merely unapproached: 3 writes at once on some tenant.
    expect(Math.max(...tenants.map((t) => t.maxInFlight))).toBe(3);
  });
});
