/**
 * `coro-psa team …` as operators run it: the real bin in a child process, on this project's
 * database (SQLite file or a scratch PostgreSQL database), seeded through our own repositories.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashPassword, testScrypt, verifyPassword } from '../auth/password.js';
import { grantRole, insertUser } from '../auth/user.repository.js';
import { createDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { insertWorkspace } from '../workspaces/workspace.repository.js';
import { createTestDatabase, isDatabaseUnavailable, testDialect } from '../../test/test-database.js';

const bin = fileURLToPath(new URL('../../bin/coro-psa.mjs', import.meta.url));
const CLI_TEST_TIMEOUT_MS = 240_000;

describe.skipIf(isDatabaseUnavailable())(`coro-psa team (${testDialect()})`, () => {
  let dir: string;
  let database: Database;
  let env: Record<string, string>;
  let channelId = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coro-team-cli-'));
    env = { MODE: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' };
    if (testDialect() === 'postgres') {
      const pg = await createTestDatabase();
      if (pg.location.driver === 'postgres') env.DATABASE_URL = pg.location.url;
      database = pg;
    } else {
      database = createDatabase({ driver: 'sqlite', file: join(dir, 'coro.sqlite') });
      await migrateToLatest(database.db, 'sqlite');
    }
    const now = new Date().toISOString();
    channelId = (
      await insertWorkspace(database.db, { kind: 'channel', parentId: null, displayName: 'Ops MSP' }, now)
    ).id;
    const boss = await insertUser(
      database.db,
      { email: 'boss@ops.example', displayName: 'Boss', passwordHash: await hashPassword('x', testScrypt) },
      now,
    );
    await grantRole(database.db, boss.id, channelId, 'msp_admin', now);
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [bin, 'team', ...args, '--channel', channelId], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it(
    'adds a new account (password printed once, stored hashed), lists, re-roles and removes',
    async () => {
      const added = run('add', 'Ann@Ops.Example', '--role', 'msp_viewer');
      expect(added.status, added.stderr).toBe(0);
      expect(added.stdout).toContain('Added ann@ops.example to "Ops MSP" as msp_viewer.');
      const password = /One-time password[^:]*: (\S+)/.exec(added.stdout)?.[1] ?? '';
      expect(password.length).toBeGreaterThanOrEqual(20);
      const row = await database.db
        .selectFrom('users')
        .select(['password_hash', 'must_change_password'])
        .where('email', '=', 'ann@ops.example')
        .executeTakeFirstOrThrow();
      expect(await verifyPassword(password, row.password_hash)).toBe(true);
      expect(row.must_change_password).toBe(1);

      const role = run('role', 'ann@ops.example', 'msp_billing');
      expect(role.status, role.stderr).toBe(0);
      expect(role.stdout).toContain('ann@ops.example: msp_viewer → msp_billing.');
      const listed = run('list');
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/ann@ops\.example\s+msp_billing\s+never/);
      expect(listed.stdout).toMatch(/boss@ops\.example\s+msp_admin/);

      const removed = run('remove', 'ann@ops.example');
      expect(removed.status, removed.stderr).toBe(0);
      expect(run('list').stdout).not.toContain('ann@ops.example');
      const audit = await database.db
        .selectFrom('audit_events')
        .select(['action', 'actor_label', 'after_json'])
        .where('workspace_id', '=', channelId)
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual([
        'team.member_added',
        'team.member_removed',
        'team.role_changed',
      ]);
      expect(audit.every((a) => a.actor_label === 'cli team')).toBe(true);
      expect(JSON.stringify(audit)).not.toContain(password);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'refuses the last admin, a duplicate, a bad e-mail and an unknown role (exit 1, no change)',
    () => {
      const last = run('role', 'boss@ops.example', 'msp_viewer');
      expect(last.status).toBe(1);
      expect(last.stderr).toContain('last admin');
      expect(last.stderr).toContain('advice');
      expect(run('remove', 'boss@ops.example').status).toBe(1);
      const duplicate = run('add', 'boss@ops.example', '--role', 'msp_viewer');
      expect(duplicate.status).toBe(1);
      expect(duplicate.stderr).toContain('already a member');
      const badEmail = run('add', 'not-an-email', '--role', 'msp_viewer');
      expect(badEmail.status).toBe(1);
      expect(badEmail.stderr).toContain('is not an e-mail address');
      const badRole = run('add', 'x@ops.example', '--role', 'owner');
      expect(badRole.status).toBe(1);
      expect(badRole.stderr).toContain('Unknown role "owner"');
      expect(run('list').stdout).toMatch(/boss@ops\.example\s+msp_admin/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
