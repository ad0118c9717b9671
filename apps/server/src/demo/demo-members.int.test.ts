import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { catalogSeed } from '../catalog/catalog.seed.js';
import { membersOnDay } from '../members/member.repository.js';
import { latestUsageDay, usageForDay } from '../usage/usage.repository.js';
import { seedDemo } from './demo-seed.js';

describe.skipIf(isDatabaseUnavailable())(`demo members (${testDialect()})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('seeds the members behind every demo count, as few intervals, idempotently', async () => {
    const { channelId } = await seedDemo(database.db, new Date('2026-11-27T10:00:00Z'));
    const day = await latestUsageDay(database.db, channelId);
    expect(day).not.toBeNull();
    const rows = await usageForDay(database.db, channelId, day ?? '');
    for (const row of rows.slice(0, 12)) {
      const basis = catalogSeed.find((s) => s.key === row.serviceKey)?.billingBasis;
      const kind = basis === 'users' ? ('user' as const) : ('device' as const);
      const members = await membersOnDay(database.db, { ...row, kind }, day ?? '');
      expect(members).toHaveLength(kind === 'user' ? row.users : row.devices);
    }
    const count = async () =>
      Number(
        (
          await database.db
            .selectFrom('usage_member_intervals')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const intervals = await count();
    const dailyRows = await database.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<string | number>('devices').as('n'))
      .executeTakeFirstOrThrow();
    // Storage grows with changes: far fewer intervals than member-days.
    expect(intervals).toBeLessThan(Number(dailyRows.n) / 20);
    await seedDemo(database.db, new Date('2026-11-27T10:00:00Z'));
    expect(await count()).toBe(intervals);
  });
});
