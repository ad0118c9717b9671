import type { InjectOptions } from 'fastify';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_COOKIE, endpoints, endpointUrl, SESSION_COOKIE, type EndpointSpec } from '@coro/contracts';

import { loggerOptions } from '../../observability/logger.js';
import { callEndpoint, type EndpointCallInput } from '../../../test/call-endpoint.js';
import { createTestApp, type TestApp, type TestRole } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

const captureLogs = () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { lines, logger: pino(loggerOptions('trace'), sink) };
};

describe.skipIf(isDatabaseUnavailable())(`team routes (${testDialect()})`, () => {
  let t: TestApp;
  const logs = captureLogs();
  const team = () => ({ channelId: t.seed.channel.id });
  const member = (userId: string) => ({ ...team(), userId });
  const call = async <E extends EndpointSpec>(role: TestRole, endpoint: E, input: EndpointCallInput<E>) =>
    callEndpoint(t.app, endpoint, { ...input, headers: { ...(await t.login(role)), ...input.headers } });
  /** Raw inject on purpose: for bodies that the endpoint's type forbids. */
  const callRaw = async (role: TestRole, options: InjectOptions) =>
    t.app.inject({ ...options, headers: { ...(await t.login(role)), ...options.headers } });
  const list = async (role: TestRole = 'admin') =>
    (await call(role, endpoints.team.list, { params: team() })).json().items;
  const signIn = (email: string, password: string) =>
    callEndpoint(t.app, endpoints.auth.login, {
      body: { email, password },
      remoteAddress: `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });
  const auditRows = () =>
    t.db
      .selectFrom('audit_events')
      .select(['action', 'entity_id', 'before_json', 'after_json', 'actor_label'])
      .where('action', 'like', 'team.%')
      .orderBy('created_at')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    t = await createTestApp({ logger: logs.logger });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the direct members with role and last sign-in, to every role of the channel', async () => {
    await t.login('viewer');
    const items = await list('viewer');
    expect(items.map((m) => [m.email, m.role]).sort()).toEqual([
      ['admin@test.example', 'msp_admin'],
      ['billing@test.example', 'msp_billing'],
      ['super-admin@test.example', 'msp_super_admin'],
      ['viewer@test.example', 'msp_viewer'],
    ]);
    expect(items.find((m) => m.email === 'viewer@test.example')?.lastSignInAt).not.toBeNull();
    expect((await call('child_viewer', endpoints.team.list, { params: team() })).statusCode).toBe(404);
  });

  it('creates an account with a one-time password shown once, hashed, never logged nor audited', async () => {
    const response = await call('admin', endpoints.team.add, {
      params: team(),
      body: { email: 'New.Person@Team.Example', role: 'msp_viewer' },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const added = response.json();
    expect(added).toMatchObject({
      onboarding: 'one_time_password',
      member: {
        email: 'new.person@team.example',
        displayName: 'new.person',
        role: 'msp_viewer',
        lastSignInAt: null,
      },
    });
    const password = added.oneTimePassword ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);

    const row = await t.db
      .selectFrom('users')
      .select(['password_hash', 'must_change_password'])
      .where('email', '=', 'new.person@team.example')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(password);
    expect(row.must_change_password).toBe(1);
    const audit = await auditRows();
    expect(audit.at(-1)).toMatchObject({ action: 'team.member_added', actor_label: 'admin@test.example' });
    expect(JSON.stringify(audit)).not.toContain(password);
    expect(logs.lines.join('\n')).not.toContain(password);

    expect((await list()).map((m) => m.email)).toContain('new.person@team.example');

    // First sign-in: nothing but choosing a new password until it is done.
    const login = await signIn('new.person@team.example', password);
    expect(login.statusCode).toBe(200);
    expect(login.json().mustChangePassword).toBe(true);
    const cookies = login.response.cookies as { name: string; value: string }[];
    const value = (name: string) => cookies.find((c) => c.name === name)?.value ?? '';
    const headers = {
      cookie: `${SESSION_COOKIE}=${value(SESSION_COOKIE)}; ${CSRF_COOKIE}=${value(CSRF_COOKIE)}`,
      'x-csrf-token': value(CSRF_COOKIE),
    };
    const blocked = await callEndpoint(t.app, endpoints.team.list, { params: team(), headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.error().code).toBe('password_change_required');
    const change = (body: { currentPassword: string; newPassword: string }) =>
      callEndpoint(t.app, endpoints.auth.changePassword, { headers, body });
    expect(
      (await change({ currentPassword: 'wrong-password-1', newPassword: 'a-fine-new-pass-42' })).statusCode,
    ).toBe(400);
    expect((await change({ currentPassword: password, newPassword: 'short' })).statusCode).toBe(400);
    expect((await change({ currentPassword: password, newPassword: password })).statusCode).toBe(400);
    const changed = await change({ currentPassword: password, newPassword: 'a-fine-new-pass-42' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    expect((await callEndpoint(t.app, endpoints.team.list, { params: team(), headers })).statusCode).toBe(
      200,
    );
    expect((await signIn('new.person@team.example', password)).statusCode).toBe(401);
    expect((await signIn('new.person@team.example', 'a-fine-new-pass-42')).statusCode).toBe(200);
  });

  it('adds an existing account without a password, and refuses a duplicate with already_member', async () => {
    const other = t.seed.users.other_admin.email;
    const response = await call('admin', endpoints.team.add, {
      params: team(),
      body: { email: other, role: 'msp_billing' },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ onboarding: 'existing_account', oneTimePassword: null });
    const again = await call('admin', endpoints.team.add, {
      params: team(),
      body: { email: other.toUpperCase(), role: 'msp_viewer' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      error: { code: 'already_member', details: { advice: expect.any(String) } },
    });
  });

  it.each([
    ['a malformed e-mail', { email: 'not-an-email', role: 'msp_viewer' }],
    ['an unknown role', { email: 'x@team.example', role: 'owner' }],
    ['a missing role', { email: 'x@team.example' }],
    ['an extra field', { email: 'x@team.example', role: 'msp_viewer', password: 'chosen-by-admin' }],
  ])('refuses %s with 400 validation_failed', async (_, payload) => {
    const response = await callRaw('admin', {
      method: 'POST',
      url: endpointUrl(endpoints.team.add, { params: team() }),
      payload,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
  });

  it('never lets an msp_admin hand out or touch msp_super_admin', async () => {
    const grant = await call('admin', endpoints.team.add, {
      params: team(),
      body: { email: 'boss@team.example', role: 'msp_super_admin' },
    });
    expect(grant.statusCode).toBe(403);
    const demote = await call('admin', endpoints.team.changeRole, {
      params: member(t.seed.users.super_admin.id),
      body: { role: 'msp_viewer' },
    });
    expect(demote.statusCode).toBe(403);
    const remove = await call('admin', endpoints.team.remove, {
      params: member(t.seed.users.super_admin.id),
    });
    expect(remove.statusCode).toBe(403);
  });

  it('changes a role (audited before/after) and answers 404 for someone not in the team', async () => {
    const response = await call('admin', endpoints.team.changeRole, {
      params: member(t.seed.users.billing.id),
      body: { role: 'msp_viewer' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().role).toBe('msp_viewer');
    const audit = (await auditRows()).at(-1);
    expect(audit?.action).toBe('team.role_changed');
    expect(JSON.parse(audit?.before_json ?? '{}')).toMatchObject({ role: 'msp_billing' });
    expect(JSON.parse(audit?.after_json ?? '{}')).toMatchObject({ role: 'msp_viewer' });
    const stranger = await call('admin', endpoints.team.changeRole, {
      params: member(t.seed.users.child_viewer.id),
      body: { role: 'msp_viewer' },
    });
    expect(stranger.statusCode).toBe(404);
    const badRole = await callRaw('admin', {
      method: 'PATCH',
      url: endpointUrl(endpoints.team.changeRole, { params: member(t.seed.users.billing.id) }),
      payload: { role: 'god' },
    });
    expect(badRole.statusCode).toBe(400);
  });

  it('never leaves the channel without an admin: last_admin (409) with advice', async () => {
    const demoteAdmin = await call('super_admin', endpoints.team.changeRole, {
      params: member(t.seed.users.admin.id),
      body: { role: 'msp_viewer' },
    });
    expect(demoteAdmin.statusCode).toBe(200);
    const self = t.seed.users.super_admin.id;
    for (const attempt of [
      () =>
        call('super_admin', endpoints.team.changeRole, {
          params: member(self),
          body: { role: 'msp_billing' },
        }),
      () => call('super_admin', endpoints.team.remove, { params: member(self) }),
    ]) {
      const response = await attempt();
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json()).toMatchObject({
        error: {
          code: 'last_admin',
          message: expect.stringContaining('last admin'),
          details: { advice: expect.any(String) },
        },
      });
    }
    expect((await list()).find((m) => m.userId === self)?.role).toBe('msp_super_admin');
    await call('super_admin', endpoints.team.changeRole, {
      params: member(t.seed.users.admin.id),
      body: { role: 'msp_admin' },
    });
  });

  it('removes a member: audited, and their access to the channel ends', async () => {
    const viewer = t.seed.users.viewer;
    const response = await call('admin', endpoints.team.remove, { params: member(viewer.id) });
    expect(response.statusCode, response.body).toBe(200);
    expect((await list()).map((m) => m.userId)).not.toContain(viewer.id);
    expect((await auditRows()).at(-1)).toMatchObject({ action: 'team.member_removed', entity_id: viewer.id });
    expect((await call('viewer', endpoints.team.list, { params: team() })).statusCode).toBe(404);
    expect((await call('admin', endpoints.team.remove, { params: member(viewer.id) })).statusCode).toBe(404);
  });
});
