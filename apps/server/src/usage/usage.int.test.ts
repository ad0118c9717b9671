import { endpoints, endpointUrl, type ErrorEnvelope, type UsageRecord } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../test/call-endpoint.js';
import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { systemActor } from '../audit/audit.repository.js';
import { listCatalogServices } from '../catalog/catalog.repository.js';
import { ingestUsage, latestUsageDay, usageForDay } from './usage.repository.js';

describe.skipIf(isDatabaseUnavailable())(`usage (${testDialect()})`, () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-20T12:00:00Z');
    const created = await t.call(
      endpoints.auth.createToken,
      { params: { channelId: t.seed.channel.id }, body: { name: 'coro-exporter', scope: 'usage:write' } },
      'admin',
    );
    token = created.json().secret;
  });
  afterAll(async () => {
    await t.close();
  });

  const put = (
    records: UsageRecord[],
    headers: Record<string, string> = { authorization: `Bearer ${token}` },
    channelId = t.seed.channel.id,
  ) => callEndpoint(t.app, endpoints.usage.ingest, { params: { channelId }, headers, body: { records } });
  const row = (over: Partial<UsageRecord> = {}): UsageRecord => ({
    workspaceId: t.seed.childA.id,
    serviceKey: 'endpoint_security',
    day: '2026-11-18',
    devices: 10,
    users: 7,
    ...over,
  });
  const stored = () =>
    t.db
      .selectFrom('usage_daily')
      .select(['workspace_id', 'service_key', 'day', 'devices', 'users'])
      .orderBy('workspace_id')
      .orderBy('service_key')
      .orderBy('day')
      .execute();

  it('ingests with a machine token, idempotently', async () => {
    const records = [
      row(),
      row({ serviceKey: 'edr', devices: 6 }),
      row({ workspaceId: t.seed.childB.id, devices: 3, users: 3 }),
    ];
    const first = await put(records);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toStrictEqual({
      received: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
    });
    const again = await put(records);
    expect(again.json()).toStrictEqual({
      received: 3,
      inserted: 0,
      updated: 0,
      unchanged: 3,
    });
    expect(await stored()).toHaveLength(3);
  });

  it('replaces a re-posted day and keeps the previous value as a revision', async () => {
    const response = await put([row({ devices: 12 })]);
    expect(response.json()).toStrictEqual({
      received: 1,
      inserted: 0,
      updated: 1,
      unchanged: 0,
    });
    const current = await t.db
      .selectFrom('usage_daily')
      .select(['devices', 'users', 'source'])
      .where('workspace_id', '=', t.seed.childA.id)
      .where('service_key', '=', 'endpoint_security')
      .where('day', '=', '2026-11-18')
      .executeTakeFirstOrThrow();
    expect(current).toStrictEqual({ devices: 12, users: 7, source: 'api' });
    const revisions = await t.db
      .selectFrom('usage_revisions')
      .select(['previous_devices', 'previous_users', 'devices', 'users', 'actor'])
      .execute();
    expect(revisions).toStrictEqual([
      { previous_devices: 10, previous_users: 7, devices: 12, users: 7, actor: 'token coro-exporter' },
    ]);
  });

  it('is all or nothing: one bad row rejects the batch, listing the bad rows', async () => {
    const before = await stored();
    const response = await put([
      row({ day: '2026-11-19' }),
      row({ workspaceId: t.seed.otherChild.id }),
      row({ serviceKey: 'no_such_service' }),
      row({ day: '2026-02-30' }),
      row({ day: '2026-12-25' }),
      row({ day: '2026-11-19' }),
    ]);
    expect(response.statusCode).toBe(400);
    const error = response.error();
    expect(error.code).toBe('validation_failed');
    expect((error.details as { rows: { index: number; reason: string }[] }).rows).toStrictEqual([
      { index: 1, reason: `workspace ${t.seed.otherChild.id} is not a child workspace of this channel` },
      { index: 2, reason: 'unknown service "no_such_service"' },
      { index: 3, reason: 'day 2026-02-30 is not a calendar date' },
      { index: 4, reason: 'day 2026-12-25 is in the future' },
      { index: 5, reason: 'duplicate of an earlier row for the same workspace, service and day' },
    ]);
    expect(await stored()).toStrictEqual(before);
  });

  it('rejects schema violations (negative counts, wrong types, empty batch, extra fields)', async () => {
    for (const records of [
      [row({ devices: -1 })],
      [{ ...row(), users: '7' }],
      [],
      [{ ...row(), extra: 1 }],
    ]) {
      // Raw inject: these records are what the typed helper refuses to compile.
      const response = await t.app.inject({
        method: 'PUT',
        url: endpointUrl(endpoints.usage.ingest, { params: { channelId: t.seed.channel.id } }),
        headers: { authorization: `Bearer ${token}` },
        payload: { records },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorEnvelope>().error.code).toBe('validation_failed');
    }
  });

  it('accepts children of nested channels, refuses the channel itself and other channels', async () => {
    expect((await put([row({ workspaceId: t.seed.nestedChild.id })])).statusCode).toBe(200);
    expect((await put([row({ workspaceId: t.seed.channel.id })])).statusCode).toBe(400);
    // The token belongs to the seed channel: another channel does not exist for it.
    const foreign = await put(
      [row({ workspaceId: t.seed.otherChild.id })],
      undefined,
      t.seed.otherChannel.id,
    );
    expect(foreign.statusCode).toBe(404);
  });

  it('limits machine tokens to their scope and to live tokens', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.call(endpoints.auth.me, { headers: bearer })).statusCode).toBe(403);
    expect(
      (
        await t.call(endpoints.workspaces.listChildren, {
          params: { channelId: t.seed.channel.id },
          headers: bearer,
        })
      ).statusCode,
    ).toBe(403);
    expect((await put([row()], { authorization: 'Bearer coro_mt_forged' })).statusCode).toBe(401);
    expect((await put([row()], { authorization: 'Basic abc' })).statusCode).toBe(401);
    const stored = await t.db
      .selectFrom('machine_tokens')
      .select(['token_hash', 'token_prefix', 'last_used_at'])
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toBe(token);
    expect(token.startsWith(stored.token_prefix)).toBe(true);
    expect(stored.last_used_at).not.toBeNull();
  });

  it('stops accepting a revoked token', async () => {
    const admin = await t.login('admin');
    const created = await t.call(endpoints.auth.createToken, {
      params: { channelId: t.seed.channel.id },
      headers: admin,
      body: { name: 'short-lived', scope: 'usage:write' },
    });
    const { token: info, secret } = created.json();
    expect((await put([row()], { authorization: `Bearer ${secret}` })).statusCode).toBe(200);
    const revokeToken = () =>
      t.call(endpoints.auth.revokeToken, {
        params: { channelId: t.seed.channel.id, tokenId: info.id },
        headers: admin,
      });
    const revoke = await revokeToken();
    expect(revoke.statusCode).toBe(200);
    expect((await put([row()], { authorization: `Bearer ${secret}` })).statusCode).toBe(401);
    const again = await revokeToken();
    expect(again.statusCode).toBe(404);
    const list = await t.call(endpoints.auth.listTokens, {
      params: { channelId: t.seed.channel.id },
      headers: admin,
    });
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain('token_hash');
  });

  it('accepts an admin session (with CSRF) but not a viewer', async () => {
    expect((await put([row()], await t.login('admin'))).statusCode).toBe(200);
    expect((await put([row()], await t.login('viewer'))).statusCode).toBe(403);
  });

  it('serves a workspace series and the channel usage of a day', async () => {
    await put([row({ day: '2026-11-19', devices: 13 }), row({ day: '2026-11-20', devices: 14 })]);
    const series = await t.call(
      endpoints.usage.series,
      {
        params: { id: t.seed.childA.id },
        query: { from: '2026-11-18', to: '2026-11-20', serviceKey: ['endpoint_security'] },
      },
      'viewer',
    );
    expect(series.json()).toStrictEqual({
      workspaceId: t.seed.childA.id,
      from: '2026-11-18',
      to: '2026-11-20',
      series: [
        {
          serviceKey: 'endpoint_security',
          points: [
            // Later tests re-posted the original 10 devices for this day.
            { day: '2026-11-18', devices: 10, users: 7 },
            { day: '2026-11-19', devices: 13, users: 7 },
            { day: '2026-11-20', devices: 14, users: 7 },
          ],
        },
      ],
    });
    const bad = await t.call(
      endpoints.usage.series,
      { params: { id: t.seed.childA.id }, query: { from: '2026-11-20', to: '2026-11-01' } },
      'viewer',
    );
    expect(bad.statusCode).toBe(400);
    const channel = await t.call(
      endpoints.usage.channelDay,
      { params: { channelId: t.seed.channel.id } },
      'viewer',
    );
    // Every service of the catalog, 0 where the day's report left it out (issue 9 item 10).
    const catalog = await listCatalogServices(t.db);
    expect(catalog.length).toBeGreaterThan(1);
    expect(channel.json()).toStrictEqual({
      channelId: t.seed.channel.id,
      day: '2026-11-20',
      rows: catalog.map(({ key }) =>
        key === 'endpoint_security'
          ? { workspaceId: t.seed.childA.id, serviceKey: key, devices: 14, users: 7 }
          : { workspaceId: t.seed.childA.id, serviceKey: key, devices: 0, users: 0 },
      ),
    });
  });

  it('usageForDay returns the direct children of the channel only', async () => {
    const rows = await usageForDay(t.db, t.seed.channel.id, '2026-11-18');
    expect(rows.map((r) => [r.workspaceId, r.serviceKey]).sort()).toStrictEqual(
      [
        [t.seed.childA.id, 'edr'],
        [t.seed.childA.id, 'endpoint_security'],
        [t.seed.childB.id, 'endpoint_security'],
      ].sort(),
    );
    expect(await usageForDay(t.db, t.seed.nestedChannel.id, '2026-11-18')).toStrictEqual([
      { workspaceId: t.seed.nestedChild.id, serviceKey: 'endpoint_security', devices: 10, users: 7 },
    ]);
    expect(await latestUsageDay(t.db, t.seed.otherChannel.id)).toBeNull();
  });

  it('writes one audit event per changing batch in the same transaction', async () => {
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', '=', 'usage.ingested')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await put([row({ day: '2026-11-17', devices: 1 })]);
    expect(await count()).toBe(before + 1);
    await put([row({ day: '2026-11-17', devices: 1 })]);
    expect(await count()).toBe(before + 1);
    // The audit insert fails (NOT NULL actor label) after the usage rows were written in the
    // same transaction: the rows must roll back with it.
    const failing = ingestUsage(t.db, {
      channelId: t.seed.channel.id,
      records: [row({ day: '2026-11-16', devices: 2 })],
      actor: { ...systemActor(), label: null as unknown as string },
      source: 'test',
      now: t.clock(),
    });
    await expect(failing).rejects.toThrow();
    expect(await count()).toBe(before + 1);
    expect(
      await t.db.selectFrom('usage_daily').select('day').where('day', '=', '2026-11-16').execute(),
    ).toStrictEqual([]);
  });
});
