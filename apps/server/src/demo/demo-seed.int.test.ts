import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { verifyPassword } from '../auth/password.js';
import { findUserByEmail } from '../auth/user.repository.js';
import { latestUsageDay, usageForDay } from '../usage/usage.repository.js';
import { demoChildren } from './demo-data.js';
import { seedDemo } from './demo-seed.js';

describe.skipIf(isDatabaseUnavailable())(`demo seed (${testDialect()})`, () => {
  let database: TestDatabase;
  const now = new Date('2026-11-27T10:00:00Z');
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('creates Northwind MSP with the 40 documented customers, users and 90 days of usage; a second run changes nothing', async () => {
    const first = await seedDemo(database.db, now);
    expect(demoChildren).toHaveLength(40);
    const children = await database.db
      .selectFrom('workspaces')
      .select(['display_name', 'status'])
      .where('parent_id', '=', first.channelId)
      .orderBy('display_name')
      .execute();
    expect(children).toHaveLength(40);
    expect(children.find((c) => c.display_name === 'Hollow Creek Farms')?.status).toBe('Inactive');
    expect(children.find((c) => c.display_name === 'Indigo Design Studio')?.status).toBe('Trial');
    expect(children.find((c) => c.display_name === 'Jasper Legal')?.status).toBe('New');
    const admin = await findUserByEmail(database.db, 'admin@northwind.example');
    expect(admin && (await verifyPassword('demo-admin-2026!', admin.passwordHash))).toBe(true);
    expect(await findUserByEmail(database.db, 'viewer@northwind.example')).toBeDefined();
    expect(await findUserByEmail(database.db, 'admin@southpoint.example')).toBeDefined();

    expect(await latestUsageDay(database.db, first.channelId)).toBe('2026-11-27');
    const days = await database.db
      .selectFrom('usage_daily as u')
      .innerJoin('workspaces as w', 'w.id', 'u.workspace_id')
      .select((eb) => [eb.fn.min('u.day').as('first'), eb.fn.count<number>('u.day').distinct().as('n')])
      .where('w.display_name', '=', 'Acme Corporation')
      .executeTakeFirstOrThrow();
    expect(days).toStrictEqual({ first: '2026-08-30', n: 90 });
    const today = await usageForDay(database.db, first.channelId, '2026-11-27');
    expect(today.filter((r) => r.serviceKey === 'endpoint_security').length).toBeGreaterThanOrEqual(38);
    expect(today.every((r) => r.devices >= 0 && r.users >= 0)).toBe(true);

    const second = await seedDemo(database.db, now);
    expect(second.channelId).toBe(first.channelId);
    expect(second.workspacesCreated).toBe(0);
    expect(second.usage.inserted + second.usage.updated).toBe(0);
  });
});
