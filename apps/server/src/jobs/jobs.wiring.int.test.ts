import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConnectorHarness, type ConnectorHarness } from '../../test/connector-harness.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { systemActor } from '../audit/audit.repository.js';
import { createSession } from '../auth/session.repository.js';
import { createConnector } from '../connectors/connector.service.js';
import type { AppContext } from '../app/app-context.js';
import { waitFor } from './job-queue.contract.js';
import { listConnectorSchedules } from './job-handlers.js';
import { createJobQueue, startJobs, WORKER_NEEDS_POSTGRES, type JobsRuntime } from './jobs.runtime.js';
import { nextRunAt } from './schedule/daily-schedule.js';
import { requestSyncNow } from './sync-now.js';
import { armSchedule } from '../sync/sync-settings.repository.js';

/**
 * The handlers wired to the real entry points (sync, lookups, connection check) against the
 * Autotask sandbox, through the queue the app would use: pg-boss on PostgreSQL, LocalQueue on SQLite.
 */
describe.skipIf(isDatabaseUnavailable())(`jobs wired to the app (${testDialect()})`, () => {
  let h: ConnectorHarness;
  let ctx: AppContext;
  let connectorId = '';
  let jobs: JobsRuntime | undefined;
  let firstRun: { jobId: string; runId: string | null } = { jobId: '', runId: null };

  beforeAll(async () => {
    h = await createConnectorHarness();
    const location = h.database.location;
    // The harness config says SQLite; point the queue at the test's real PostgreSQL when there is one.
    ctx =
      location.driver === 'postgres'
        ? { ...h.ctx, config: { ...h.ctx.config, database: { driver: 'postgres', url: location.url } } }
        : h.ctx;
    const connector = await createConnector(ctx, systemActor('test'), h.seed.channel.id, {
      kind: 'autotask',
      username: h.sandbox.apiUser.username,
      secret: h.sandbox.apiUser.secret,
    });
    connectorId = connector.id;
  });
  afterAll(async () => {
    await jobs?.stop({ graceful: true, timeoutMs: 10_000 });
    await h.close();
  });

  it.runIf(testDialect() === 'sqlite')('refuses the worker role on SQLite with a clear message', async () => {
    await expect(startJobs(ctx, { role: 'worker' })).rejects.toThrow(WORKER_NEEDS_POSTGRES);
  });

  it('"Sync now" twice: the second answers with the first, queued run', async () => {
    // Before any worker runs, so the first job is certainly still queued.
    const queue = createJobQueue(ctx);
    try {
      const first = await requestSyncNow(h.db, queue, connectorId);
      expect(first.isExisting).toBe(false);
      const second = await requestSyncNow(h.db, queue, connectorId);
      expect(second).toStrictEqual({ jobId: first.jobId, runId: first.runId, isExisting: true });
      firstRun = first;
    } finally {
      await queue.stop({ graceful: false });
    }
  });

  it('runs the queued sync once the jobs start, recording the run under that id', async () => {
    jobs = await startJobs(ctx, { role: 'serve' });
    const queue = jobs.queue;
    await waitFor(
      async () => (await queue.getJob(firstRun.jobId))?.state === 'completed',
      30_000,
      'sync job',
    );
    const run = await h.db
      .selectFrom('sync_runs')
      .select(['id', 'connector_id', 'trigger', 'status'])
      .where('id', '=', firstRun.runId ?? '')
      .executeTakeFirst();
    expect(run).toMatchObject({ connector_id: connectorId, trigger: 'manual' });
    // No workspace is mapped yet: the run has nothing to write, and nothing may fail.
    expect(run?.status).toBe('succeeded');
  });

  it('sessions.cleanup deletes expired sessions and keeps live ones', async () => {
    const queue = jobs!.queue;
    const userId = (
      await h.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', h.seed.users.admin.email)
        .executeTakeFirstOrThrow()
    ).id;
    const now = h.ctx.clock();
    const expired = await createSession(h.db, { userId, ip: null, userAgent: null, ttlMs: -60_000 }, now);
    const live = await createSession(h.db, { userId, ip: null, userAgent: null, ttlMs: 3_600_000 }, now);
    const id = await queue.enqueue('sessions.cleanup', {});
    await waitFor(async () => (await queue.getJob(id ?? ''))?.state === 'completed', 30_000, 'cleanup job');
    const left = (
      await h.db
        .selectFrom('sessions')
        .select('id')
        .where('id', 'in', [expired.session.id, live.session.id])
        .execute()
    ).map((r) => r.id);
    expect(left).toStrictEqual([live.session.id]);
  });

  it('lookups.refresh caches the Autotask companies and services', async () => {
    const queue = jobs!.queue;
    const id = await queue.enqueue('lookups.refresh', { connectorId });
    await waitFor(async () => (await queue.getJob(id ?? ''))?.state === 'completed', 30_000, 'lookups job');
    const companies = await h.db
      .selectFrom('psa_companies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirstOrThrow();
    expect(companies.n).toBeGreaterThan(0);
  });

  it('connection.check verifies the credentials and records the status', async () => {
    await h.db
      .updateTable('psa_connectors')
      .set({ status: 'error', status_code: 'psa_unavailable' })
      .where('id', '=', connectorId)
      .execute();
    const queue = jobs!.queue;
    const id = await queue.enqueue('connection.check', { connectorId });
    await waitFor(async () => (await queue.getJob(id ?? ''))?.state === 'completed', 30_000, 'check job');
    const connector = await h.db
      .selectFrom('psa_connectors')
      .select(['status', 'status_code'])
      .where('id', '=', connectorId)
      .executeTakeFirstOrThrow();
    expect(connector).toStrictEqual({ status: 'connected', status_code: null });
  });

  it('a check of an unknown connector fails at once (permanent), without retries', async () => {
    const queue = jobs!.queue;
    const id = await queue.enqueue('connection.check', { connectorId: 'no-such-connector' });
    await waitFor(async () => (await queue.getJob(id ?? ''))?.state === 'failed', 30_000, 'failed check');
    expect(await queue.getJob(id ?? '')).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('not_found'),
    });
  });

  it('schedules every connected connector at its local time once its first reviewed sync is done', async () => {
    const before = (await listConnectorSchedules(ctx)).find((s) => s.connectorId === connectorId);
    expect(before).toMatchObject({ connectorId, isEnabled: false });
    await armSchedule(ctx.database.db, connectorId, '2026-11-27T11:00:00Z');
    const schedules = await listConnectorSchedules(ctx);
    const own = schedules.find((s) => s.connectorId === connectorId);
    expect(own).toMatchObject({ connectorId, isEnabled: true, localTime: '06:00', timeZone: 'UTC' });
    const next = nextRunAt(own!, new Date('2026-11-27T12:00:00Z'));
    expect(
      next!.toISOString() >= '2026-11-28T06:00:00.000Z' && next!.toISOString() < '2026-11-28T06:30:00.000Z',
    ).toBe(true);
  });
});
