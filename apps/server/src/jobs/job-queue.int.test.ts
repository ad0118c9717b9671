import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import {
  contractCatalog,
  describeJobQueueContract,
  jobId,
  waitFor,
  type ContractCatalog,
} from './job-queue.contract.js';
import type { JobFinishedListener } from './job-queue.port.js';
import { LocalQueue } from './local/local-queue.js';
import { PgBossQueue } from './pgboss/pg-boss-queue.js';

describe.skipIf(isDatabaseUnavailable())(`job queues (${testDialect()})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const localQueue = (
    options: { leaseMs?: number; reapIntervalMs?: number; onJobFinished?: JobFinishedListener } = {},
  ): LocalQueue<ContractCatalog> =>
    new LocalQueue({
      database,
      catalog: contractCatalog,
      pollIntervalMs: 100,
      abortGraceMs: 2000,
      leaseMs: 5000,
      ...options,
    });

  describeJobQueueContract(`LocalQueue on ${testDialect()}`, {
    create: async (onJobFinished) => {
      await database.db.deleteFrom('jobs').execute();
      return localQueue(onJobFinished ? { onJobFinished } : {});
    },
    attach: () => Promise.resolve(localQueue()),
    extra: (track) => {
      const past = (): string => new Date(Date.now() - 60_000).toISOString();

      it('requeues a job whose worker crashed (expired lease) and runs it again', async () => {
        await database.db.deleteFrom('jobs').execute();
        const queue = track(localQueue());
        const id = jobId(await queue.enqueue('test.flaky', { token: 'crash' }));
        // What a worker that claimed the job and then died leaves behind.
        await database.db
          .updateTable('jobs')
          .set({ state: 'active', attempts: 1, lease_owner: 'crashed-worker', lease_until: past() })
          .where('id', '=', id)
          .execute();
        const attempts: number[] = [];
        await queue.work('test.flaky', (job) => Promise.resolve(void attempts.push(job.attempt)));
        await queue.start();
        await waitFor(async () => (await queue.getJob(id))?.state === 'completed', 10_000, 'recovered job');
        expect(attempts).toStrictEqual([2]);
        expect(await queue.getJob(id)).toMatchObject({
          state: 'completed',
          attempts: 2,
          lastError: 'lease expired: the worker crashed or stalled',
        });
      });

      it('fails a crashed job that had no attempts left', async () => {
        await database.db.deleteFrom('jobs').execute();
        const queue = track(localQueue());
        const id = jobId(await queue.enqueue('test.echo', { value: 1 }));
        await database.db
          .updateTable('jobs')
          .set({ state: 'active', attempts: 1, lease_owner: 'crashed-worker', lease_until: past() })
          .where('id', '=', id)
          .execute();
        expect(await queue.reap()).toBe(1);
        expect(await queue.getJob(id)).toMatchObject({
          state: 'failed',
          attempts: 1,
          lastError: expect.stringContaining('lease expired'),
        });
      });

      it('keeps a long job leased by heartbeat: another instance reaping never runs it twice', async () => {
        await database.db.deleteFrom('jobs').execute();
        const runs: number[] = [];
        const handler = async (job: { attempt: number }): Promise<void> => {
          runs.push(job.attempt);
          await new Promise((r) => setTimeout(r, 1500));
        };
        const a = track(localQueue({ leaseMs: 400, reapIntervalMs: 100 }));
        await a.work('test.flaky', handler);
        await a.start();
        const id = jobId(await a.enqueue('test.flaky', { token: 'long' }));
        await waitFor(() => runs.length === 1, 10_000, 'first run');
        const b = track(localQueue({ leaseMs: 400, reapIntervalMs: 100 }));
        await b.work('test.flaky', handler);
        await b.start();
        await waitFor(async () => (await a.getJob(id))?.state === 'completed', 10_000, 'completion');
        expect(runs).toStrictEqual([1]);
      });
    },
  });

  // pg-boss is PostgreSQL-only: the int-sqlite project runs the LocalQueue half alone.
  if (testDialect() === 'postgres') {
    let schema = '';
    const bossQueue = (onJobFinished?: JobFinishedListener): PgBossQueue<ContractCatalog> => {
      if (database.location.driver !== 'postgres') throw new Error('pg-boss needs PostgreSQL');
      return new PgBossQueue({
        connectionString: database.location.url,
        catalog: contractCatalog,
        schema,
        pollingIntervalSeconds: 0.5,
        cronMonitorIntervalSeconds: 1,
        cronWorkerIntervalSeconds: 1,
        abortGraceMs: 2000,
        poolSize: 3,
        ...(onJobFinished ? { onJobFinished } : {}),
      });
    };
    describeJobQueueContract('pg-boss on postgres', {
      create: (onJobFinished) => {
        schema = `pgboss_${randomBytes(4).toString('hex')}`;
        return Promise.resolve(bossQueue(onJobFinished));
      },
      attach: () => Promise.resolve(bossQueue()),
    });
  }
});
