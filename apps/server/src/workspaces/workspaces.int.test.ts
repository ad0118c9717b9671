import { endpoints, endpointUrl, type ChildrenQuery, type ErrorEnvelope } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { assertChannel } from './workspace.repository.js';

describe.skipIf(isDatabaseUnavailable())(`workspaces (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const children = (query: ChildrenQuery = {}) =>
    t.call(endpoints.workspaces.listChildren, { params: { channelId: t.seed.channel.id }, query }, 'viewer');

  it('lists the direct child workspaces of a channel, sorted by name', async () => {
    const response = await children();
    expect(response.statusCode).toBe(200);
    const page = response.json();
    expect(page.total).toBe(2);
    expect(page.items.map((w) => w.displayName)).toStrictEqual(['Alpha Co', 'Beta Co']);
    expect(page.items[0]).toStrictEqual(t.seed.childA);
    expect({ limit: page.limit, offset: page.offset }).toStrictEqual({ limit: 50, offset: 0 });
  });

  it('pages, searches (case-insensitive, display or company name, literal %) and filters by status', async () => {
    const admin = await t.login('admin');
    for (let i = 0; i < 5; i += 1) {
      const created = await t.call(endpoints.workspaces.createChild, {
        params: { channelId: t.seed.channel.id },
        headers: admin,
        body: {
          displayName: `Gamma ${i}`,
          companyName: i === 0 ? 'Gamma 100% Ltd' : null,
          status: i % 2 === 0 ? 'Trial' : 'New',
        },
      });
      expect(created.statusCode).toBe(201);
    }
    const page = (await children({ limit: 2, offset: 2 })).json();
    expect(page.items.map((w) => w.displayName)).toStrictEqual(['Gamma 0', 'Gamma 1']);
    expect(page.total).toBe(7);
    expect((await children({ search: 'ALPHA' })).json().items.map((w) => w.displayName)).toStrictEqual([
      'Alpha Co',
    ]);
    expect((await children({ search: 'company ltd' })).json().items.map((w) => w.displayName)).toStrictEqual([
      'Alpha Co',
    ]);
    expect((await children({ search: '100%' })).json().items.map((w) => w.displayName)).toStrictEqual([
      'Gamma 0',
    ]);
    expect((await children({ search: '%' })).json().total).toBe(1);
    const trial = (await children({ status: ['Trial'] })).json();
    expect(trial.items.map((w) => w.displayName)).toStrictEqual(['Beta Co', 'Gamma 0', 'Gamma 2', 'Gamma 4']);
    expect((await children({ status: ['Trial', 'Subscription'] })).json().total).toBe(5);
  });

  it('refuses children listing on a non-channel workspace', async () => {
    const response = await t.call(
      endpoints.workspaces.listChildren,
      { params: { channelId: t.seed.childA.id } },
      'admin',
    );
    expect(response.statusCode).toBe(400);
    expect(response.error().message).toContain('only configurable within channel workspaces');
    expect(() => assertChannel(t.seed.childA)).toThrow(/channel workspaces/);
    expect(() => assertChannel(t.seed.channel)).not.toThrow();
  });

  it('creates and updates a child workspace, auditing both on the channel in the same transaction', async () => {
    const admin = await t.login('admin');
    const created = await t.call(endpoints.workspaces.createChild, {
      params: { channelId: t.seed.channel.id },
      headers: admin,
      body: { displayName: 'Delta Co', status: 'New' },
    });
    expect(created.statusCode).toBe(201);
    const child = created.json();
    expect(child).toMatchObject({
      kind: 'child',
      parentId: t.seed.channel.id,
      displayName: 'Delta Co',
      companyName: null,
      status: 'New',
    });
    const updated = await t.call(endpoints.workspaces.update, {
      params: { id: child.id },
      headers: admin,
      body: { status: 'Subscription', companyName: 'Delta Ltd' },
    });
    expect(updated.json()).toMatchObject({ status: 'Subscription', companyName: 'Delta Ltd' });
    const audit = await t.call(endpoints.workspaces.audit, {
      params: { channelId: t.seed.channel.id },
      query: { entity: 'workspace', limit: 2 },
      headers: admin,
    });
    const events = audit.json().items;
    expect(events.map((e) => e.action)).toStrictEqual(['workspace.updated', 'workspace.created']);
    expect(events[0]).toMatchObject({
      entityId: child.id,
      actor: { kind: 'user', id: t.seed.users.admin.id, label: 'admin@test.example' },
      before: { status: 'New', companyName: null },
      after: { status: 'Subscription', companyName: 'Delta Ltd' },
    });
  });

  // Raw inject: these bodies are what the typed helper refuses to compile.
  it('rejects bad create/update bodies', async () => {
    const admin = await t.login('admin');
    const children = endpointUrl(endpoints.workspaces.createChild, {
      params: { channelId: t.seed.channel.id },
    });
    const workspace = (id: string) => endpointUrl(endpoints.workspaces.update, { params: { id } });
    const cases = [
      { method: 'POST' as const, url: children, payload: { displayName: '', status: 'New' } },
      { method: 'POST' as const, url: children, payload: { displayName: 'X', status: 'Paid' } },
      { method: 'PATCH' as const, url: workspace(t.seed.childA.id), payload: {} },
      { method: 'PATCH' as const, url: workspace(t.seed.childA.id), payload: { kind: 'channel' } },
      { method: 'PATCH' as const, url: workspace(t.seed.channel.id), payload: { status: 'Trial' } },
    ];
    for (const c of cases) {
      const response = await t.app.inject({ ...c, headers: admin });
      expect(response.statusCode, JSON.stringify(c.payload)).toBe(400);
      expect(response.json<ErrorEnvelope>().error.code).toBe('validation_failed');
    }
  });

  it("does not reveal another channel's workspaces", async () => {
    const admin = await t.login('admin');
    for (const response of [
      await t.call(endpoints.workspaces.get, { params: { id: t.seed.otherChild.id }, headers: admin }),
      await t.call(endpoints.workspaces.listChildren, {
        params: { channelId: t.seed.otherChannel.id },
        headers: admin,
      }),
      await t.call(endpoints.workspaces.audit, {
        params: { channelId: t.seed.otherChannel.id },
        headers: admin,
      }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.error()).toStrictEqual({
        code: 'not_found',
        message: 'Workspace not found.',
      });
    }
  });
});
