import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../../test/test-database.js';
import { jobCatalog } from '../job-catalog.js';
import { silentJobLogger } from '../job-logger.js';
import { LocalQueue } from '../local/local-queue.js';
import { runDailyFanout } from './daily-fanout.js';
import type { ConnectorSchedule } from './daily-schedule.js';

describe.skipIf(isDatabaseUnavailable())(`daily sync fan-out (${testDialect()})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const schedules: ConnectorSchedule[] = [
    { connectorId: 'berlin', isEnabled: true, localTime: '04:00', timeZone: 'Europe/Berlin' },
    { connectorId: 'utc', isEnabled: true, localTime: '03:00', timeZone: 'UTC' },
    { connectorId: 'later', isEnabled: true, localTime: '05:00', timeZone: 'UTC' },
    { connectorId: 'off', isEnabled: false, localTime: '03:00', timeZone: 'UTC' },
  ];

  it('enqueues each due connector once per day, even with two schedulers at once', async () => {
    // Not started: jobs stay queued, so what was enqueued can be read back.
    const queue = new LocalQueue({ database, catalog: jobCatalog });
    let now = new Date('2026-11-27T03:10:00Z');
    const deps = {
      db: database.db,
      queue,
      listSchedules: () => Promise.resolve(schedules),
      clock: () => now,
      logger: silentJobLogger,
      windowMs: 0,
    };

    const [a, b] = await Promise.all([runDailyFanout(deps), runDailyFanout(deps)]);
    expect([...a.enqueued, ...b.enqueued].sort()).toStrictEqual(['berlin', 'utc']);
    expect((await queue.findPending('sync.connector', 'utc'))?.payload).toStrictEqual({
      connectorId: 'utc',
      trigger: 'schedule',
    });

    // Later the same day: the same runs are not fanned out again, the 05:00 one is.
    await database.db.deleteFrom('jobs').execute();
    now = new Date('2026-11-27T05:01:00Z');
    expect(await runDailyFanout(deps)).toStrictEqual({ enqueued: ['later'], alreadyPending: [] });

    // Next day, with a manual sync of `utc` still queued: the scheduled one is not doubled.
    await database.db.deleteFrom('jobs').execute();
    await queue.enqueue('sync.connector', { connectorId: 'utc', trigger: 'manual' });
    now = new Date('2026-11-28T03:30:00Z');
    const nextDay = await runDailyFanout(deps);
    expect(nextDay.enqueued).toStrictEqual(['berlin']);
    expect(nextDay.alreadyPending).toStrictEqual(['utc']);
    await queue.stop();
  });
});
