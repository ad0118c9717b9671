import { endpoints, type UsageRecord } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { systemActor } from '../audit/audit.repository.js';
import { ingestUsage } from '../usage/usage.repository.js';
import { memberChanges, membersOnDay } from './member.repository.js';

const devices = (...ids: string[]) => ids.map((id) => ({ id, name: `PC-${id}` }));

describe.skipIf(isDatabaseUnavailable())(`usage members as intervals (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-30T12:00:00Z');
  });
  afterAll(async () => {
    await t.close();
  });

  const record = (day: string, ids: string[], over: Partial<UsageRecord> = {}): UsageRecord => ({
    workspaceId: t.seed.childA.id,
    serviceKey: 'endpoint_security',
    day,
    devices: ids.length,
    users: 0,
    members: { devices: devices(...ids) },
    ...over,
  });
  const ingest = (records: UsageRecord[]) =>
    ingestUsage(t.db, {
      channelId: t.seed.channel.id,
      records,
      actor: systemActor(),
      source: 'api',
      now: t.clock(),
    });
  const intervals = async () =>
    (
      await t.db
        .selectFrom('usage_member_intervals')
        .select(['member_id', 'first_day', 'last_day'])
        .where('workspace_id', '=', t.seed.childA.id)
        .where('service_key', '=', 'endpoint_security')
        .orderBy('member_id')
        .orderBy('first_day')
        .execute()
    ).map((r) => `${r.member_id} ${r.first_day}..${r.last_day}`);
  const line = () => ({
    workspaceId: t.seed.childA.id,
    serviceKey: 'endpoint_security',
    kind: 'device' as const,
  });

  it('keeps one interval per run of days, split by gaps and re-ingests, merged by back-fills', async () => {
    await ingest([
      record('2026-11-01', ['a', 'b']),
      record('2026-11-02', ['a', 'b']),
      record('2026-11-03', ['a', 'c']),
    ]);
    // 2026-11-04 not reported: a gap; 11-05 resumes.
    await ingest([record('2026-11-05', ['a', 'c'])]);
    expect(await intervals()).toStrictEqual([
      'a 2026-11-01..2026-11-03',
      'a 2026-11-05..2026-11-05',
      'b 2026-11-01..2026-11-02',
      'c 2026-11-03..2026-11-03',
      'c 2026-11-05..2026-11-05',
    ]);
    // Back-fill of the gap joins the runs.
    await ingest([record('2026-11-04', ['a', 'c'])]);
    expect(await intervals()).toStrictEqual([
      'a 2026-11-01..2026-11-05',
      'b 2026-11-01..2026-11-02',
      'c 2026-11-03..2026-11-05',
    ]);
    // A corrected re-ingest of a middle day splits a run and extends another.
    await ingest([record('2026-11-02', ['b', 'c'])]);
    expect(await intervals()).toStrictEqual([
      'a 2026-11-01..2026-11-01',
      'a 2026-11-03..2026-11-05',
      'b 2026-11-01..2026-11-02',
      'c 2026-11-02..2026-11-05',
    ]);
    // The identical re-post changes nothing.
    const before = await t.db.selectFrom('usage_member_intervals').select('id').orderBy('id').execute();
    await ingest([record('2026-11-02', ['b', 'c'])]);
    expect(
      await t.db.selectFrom('usage_member_intervals').select('id').orderBy('id').execute(),
    ).toStrictEqual(before);
    expect((await membersOnDay(t.db, line(), '2026-11-02')).map((m) => m.id)).toStrictEqual(['b', 'c']);
    expect(await memberChanges(t.db, line(), '2026-11-01', '2026-11-05')).toStrictEqual([
      { memberId: 'c', label: 'PC-c', change: 'added', day: '2026-11-02' },
      { memberId: 'b', label: 'PC-b', change: 'removed', day: '2026-11-03' },
    ]);
  });

  it('a count change without members clears that day; same counts without members keep them', async () => {
    await ingest([{ ...record('2026-11-05', ['a', 'c']), members: undefined }]);
    expect(await intervals()).toContain('a 2026-11-03..2026-11-05');
    await ingest([{ ...record('2026-11-05', ['a', 'c']), devices: 3, members: undefined }]);
    expect(await intervals()).toStrictEqual([
      'a 2026-11-01..2026-11-01',
      'a 2026-11-03..2026-11-04',
      'b 2026-11-01..2026-11-02',
      'c 2026-11-02..2026-11-04',
    ]);
  });

  it('refuses a batch whose members do not add up, with the row and reason, storing nothing', async () => {
    const stored = async () => ({
      intervals: await intervals(),
      daily: await t.db.selectFrom('usage_daily').select(['day', 'devices']).orderBy('day').execute(),
    });
    const before = await stored();
    const response = await t.call(
      endpoints.usage.ingest,
      {
        params: { channelId: t.seed.channel.id },
        body: {
          records: [
            record('2026-11-10', ['a', 'b']),
            { ...record('2026-11-11', ['a', 'b']), devices: 3 },
            record('2026-11-12', ['a', 'a']),
            { ...record('2026-11-13', []), users: 1, members: { users: [] } },
          ],
        },
      },
      'admin',
    );
    expect(response.statusCode, response.body).toBe(400);
    const error = response.error();
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({
      rows: [
        { index: 1, reason: 'members.devices lists 2 devices but devices is 3' },
        { index: 2, reason: 'members.devices lists "a" twice' },
        { index: 3, reason: 'members.users lists 0 users but users is 1' },
      ],
    });
    expect(await stored()).toStrictEqual(before);
  });

  it('accepts user members over HTTP beside counts-only rows (backward compatible)', async () => {
    const response = await t.call(
      endpoints.usage.ingest,
      {
        params: { channelId: t.seed.channel.id },
        body: {
          records: [
            {
              workspaceId: t.seed.childB.id,
              serviceKey: 'email_security',
              day: '2026-11-20',
              devices: 0,
              users: 2,
              members: {
                users: [
                  { id: 'u1', email: 'ann@example.com' },
                  { id: 'u2', email: 'bo@example.com' },
                ],
              },
            },
            { workspaceId: t.seed.childB.id, serviceKey: 'edr', day: '2026-11-20', devices: 4, users: 0 },
          ],
        },
      },
      'admin',
    );
    expect(response.statusCode, response.body).toBe(200);
    const users = await membersOnDay(
      t.db,
      { workspaceId: t.seed.childB.id, serviceKey: 'email_security', kind: 'user' },
      '2026-11-20',
    );
    expect(users).toStrictEqual([
      { id: 'u1', label: 'ann@example.com' },
      { id: 'u2', label: 'bo@example.com' },
    ]);
  });

  it('drills down over HTTP: members on a day and the changes since another day', async () => {
    const get = (query: { serviceKey: string; day: string; since?: string }) =>
      t.call(endpoints.usage.members, { params: { id: t.seed.childA.id }, query }, 'viewer');
    const response = await get({ serviceKey: 'endpoint_security', day: '2026-11-03', since: '2026-11-01' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toStrictEqual({
      workspaceId: t.seed.childA.id,
      serviceKey: 'endpoint_security',
      kind: 'device',
      day: '2026-11-03',
      count: 2,
      members: [
        { id: 'a', label: 'PC-a' },
        { id: 'c', label: 'PC-c' },
      ],
      since: '2026-11-01',
      changes: [
        { id: 'c', label: 'PC-c', change: 'added', day: '2026-11-02' },
        { id: 'b', label: 'PC-b', change: 'removed', day: '2026-11-03' },
      ],
    });
    const backwards = await get({ serviceKey: 'endpoint_security', day: '2026-11-01', since: '2026-11-03' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.error().message).toBe('`since` must not be after `day`.');
    const unknown = await get({ serviceKey: 'no_such_service', day: '2026-11-01' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.error().message).toBe('Unknown service "no_such_service".');
  });
});
