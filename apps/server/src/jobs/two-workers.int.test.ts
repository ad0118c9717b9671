import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { createDatabase, type Database } from '../db/database.js';
import { jobCatalog, type AppJobCatalog } from './job-catalog.js';
import { waitFor } from './job-queue.contract.js';
import type { JobQueue } from './job-queue.port.js';
import { LocalQueue } from './local/local-queue.js';
import { PgBossQueue } from './pgboss/pg-boss-queue.js';

interface Interval {
  readonly connectorId: string;
  readonly worker: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

const CONNECTORS = Array.from({ length: 20 }, (_, i) => `connector-${String(i).padStart(2, '0')}`);
const ENQUEUE_ROUNDS = 12;

/**
 * The proof issue 4 asks for: two workers share many connectors and never run one connector twice
 * at once. Two queue instances with their own connections (the database is the only thing they
 * share) work sync.connector from the real catalog while every connector is enqueued again and
 * again; each handler records its interval, with a small random delay in between.
 */
async function proveNoOverlap(
  queues: readonly [JobQueue<AppJobCatalog>, JobQueue<AppJobCatalog>],
): Promise<Interval[]> {
  const intervals: Interval[] = [];
  const running = new Set<string>();
  const [a, b] = queues;
  for (const [worker, queue] of [
    ['A', a],
    ['B', b],
  ] as const) {
    await queue.work(
      'sync.connector',
      async (job) => {
        const startedAt = performance.now();
        // Also checked live: a second run of the same connector in this process would see the mark.
        if (running.has(job.payload.connectorId)) throw new Error(`overlap on ${job.payload.connectorId}`);
        running.add(job.payload.connectorId);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 30));
        running.delete(job.payload.connectorId);
        intervals.push({
          connectorId: job.payload.connectorId,
          worker,
          startedAt,
          endedAt: performance.now(),
        });
      },
      { concurrency: 4 },
    );
  }
  await a.start();
  await b.start();
  let accepted = 0;
  let deduplicated = 0;
  for (let round = 0; round < ENQUEUE_ROUNDS; round += 1) {
    // Both instances enqueue every connector at the same moment: the loser must be deduplicated.
    const ids = await Promise.all(
      CONNECTORS.flatMap((connectorId) =>
        [a, b].map((q) => q.enqueue('sync.connector', { connectorId, trigger: 'schedule' })),
      ),
    );
    accepted += ids.filter((id) => id !== null).length;
    deduplicated += ids.filter((id) => id === null).length;
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitFor(
    async () => {
      const pending = await Promise.all(CONNECTORS.map((c) => a.findPending('sync.connector', c)));
      return pending.every((p) => p === null);
    },
    60_000,
    'the queue to drain',
  );
  expect(intervals.length).toBe(accepted);
  expect(deduplicated).toBeGreaterThan(0);
  return intervals;
}

function assertNoOverlapAndShared(intervals: readonly Interval[]): void {
  const byConnector = new Map<string, Interval[]>();
  for (const interval of intervals)
    byConnector.set(interval.connectorId, [...(byConnector.get(interval.connectorId) ?? []), interval]);
  expect([...byConnector.keys()].sort()).toStrictEqual(CONNECTORS);
  const overlaps: string[] = [];
  for (const [connectorId, runs] of byConnector) {
    const sorted = [...runs].sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < sorted.length; i += 1) {
      const previous = sorted[i - 1];
      const current = sorted[i];
      if (previous && current && current.startedAt < previous.endedAt)
        overlaps.push(`${connectorId}: ${previous.worker} and ${current.worker}`);
    }
  }
  expect(overlaps).toStrictEqual([]);
  // Repeated enqueues did run connectors again (not only once each), and both workers took part.
  expect(Math.max(...[...byConnector.values()].map((runs) => runs.length))).toBeGreaterThan(1);
  expect(new Set(intervals.map((i) => i.worker))).toStrictEqual(new Set(['A', 'B']));
}

describe.skipIf(isDatabaseUnavailable())(
  `two workers share connectors, never one twice at once (${testDialect()})`,
  () => {
    let database: TestDatabase;
    const extra: Database[] = [];
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await Promise.all(extra.map((d) => d.close()));
      await database.close();
    });

    const secondConnection = (): Database => {
      const location = database.location;
      const opened =
        location.driver === 'sqlite'
          ? createDatabase({ driver: 'sqlite', file: location.file })
          : createDatabase({ driver: 'postgres', url: location.url, poolSize: 5 });
      extra.push(opened);
      return opened;
    };

    it('LocalQueue: two instances on two connections to one database', async () => {
      const queues = [secondConnection(), secondConnection()].map(
        (db) => new LocalQueue({ database: db, catalog: jobCatalog, pollIntervalMs: 50, leaseMs: 10_000 }),
      ) as [LocalQueue<AppJobCatalog>, LocalQueue<AppJobCatalog>];
      try {
        assertNoOverlapAndShared(await proveNoOverlap(queues));
      } finally {
        await Promise.all(queues.map((q) => q.stop({ graceful: true, timeoutMs: 5000 })));
      }
    });

    it.runIf(testDialect() === 'postgres')(
      'pg-boss: two PgBoss instances (two workers) on one database',
      async () => {
        if (database.location.driver !== 'postgres') throw new Error('unreachable');
        const schema = `pgboss_${randomBytes(4).toString('hex')}`;
        const url = database.location.url;
        const queues = [1, 2].map(
          () =>
            new PgBossQueue({
              connectionString: url,
              catalog: jobCatalog,
              schema,
              pollingIntervalSeconds: 0.5,
              poolSize: 5,
            }),
        ) as [PgBossQueue<AppJobCatalog>, PgBossQueue<AppJobCatalog>];
        try {
          assertNoOverlapAndShared(await proveNoOverlap(queues));
        } finally {
          await Promise.all(queues.map((q) => q.stop({ graceful: true, timeoutMs: 5000 })));
        }
      },
    );
  },
);
