import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabase, type Database } from './db/database.js';
import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../test/test-database.js';

const bin = fileURLToPath(new URL('../bin/coro-psa.mjs', import.meta.url));
/** Each run starts Node + tsx (seconds on a loaded machine); three runs per test. */
const CLI_TEST_TIMEOUT_MS = 240_000;

/**
 * The CLI as users run it (a child process), on the dialect of the current project: SQLite in a
 * fresh DATA_DIR, or the test PostgreSQL database through DATABASE_URL.
 */
describe.skipIf(isDatabaseUnavailable())(`coro-psa CLI (${testDialect()})`, () => {
  let dir: string;
  let pgDatabase: TestDatabase | undefined;
  let database: Database;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coro-cli-'));
    env = { MODE: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' };
    if (testDialect() === 'postgres') {
      pgDatabase = await createTestDatabase();
      if (pgDatabase.location.driver === 'postgres') env.DATABASE_URL = pgDatabase.location.url;
      database = pgDatabase;
    } else {
      // The CLI migrates the SQLite file itself; open it afterwards to check.
      database = createDatabase({ driver: 'sqlite', file: join(dir, 'coro.sqlite') });
    }
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it(
    'creates the first admin with their channel, refuses weak passwords and duplicates',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const weak = run(
        'admin',
        'create',
        '--email',
        'owner@msp.example',
        '--password',
        'short',
        '--channel-name',
        'My MSP',
      );
      expect(weak.status).toBe(1);
      expect(weak.stderr).toContain('Password too weak');
      const created = run(
        'admin',
        'create',
        '--email',
        'Owner@MSP.example',
        '--password',
        'a-long-password',
        '--channel-name',
        'My MSP',
      );
      expect(created.status, created.stderr).toBe(0);
      expect(created.stdout).toContain('msp_super_admin of "My MSP"');
      const row = await database.db
        .selectFrom('users as u')
        .innerJoin('memberships as m', 'm.user_id', 'u.id')
        .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
        .select(['u.email', 'm.role', 'w.display_name', 'w.kind'])
        .executeTakeFirstOrThrow();
      expect(row).toStrictEqual({
        email: 'owner@msp.example',
        role: 'msp_super_admin',
        display_name: 'My MSP',
        kind: 'channel',
      });
      const again = run(
        'admin',
        'create',
        '--email',
        'owner@msp.example',
        '--password',
        'a-long-password',
        '--channel-name',
        'My MSP',
      );
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('already exists');
    },
  );

  it(
    'imports usage from CSV with progress, atomically rejects bad files, and is idempotent',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const channel = await database.db
        .selectFrom('workspaces')
        .select('id')
        .where('display_name', '=', 'My MSP')
        .executeTakeFirstOrThrow();
      const now = new Date().toISOString();
      const childId = '01900000-0000-7000-8000-0000000000c1';
      await database.db
        .insertInto('workspaces')
        .values({
          id: childId,
          kind: 'child',
          parent_id: channel.id,
          display_name: 'Child',
          company_name: null,
          status: 'Subscription',
          created_at: now,
          updated_at: now,
        })
        .execute();
      const csv = join(dir, 'usage.csv');
      writeFileSync(
        csv,
        `workspaceId,serviceKey,day,devices,users\n${childId},edr,2026-11-01,4,3\n${childId},edr,2026-11-02,5,3\n`,
      );
      const first = run('usage', 'import', '--file', csv);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain('Imported 2 row(s): 2 inserted, 0 updated, 0 unchanged.');
      expect(first.stderr).toContain('100% 2/2 rows');
      const again = run('usage', 'import', '--file', csv, '--channel', channel.id);
      expect(again.stdout).toContain('0 inserted, 0 updated, 2 unchanged');

      const bad = join(dir, 'bad.json');
      writeFileSync(
        bad,
        JSON.stringify([
          { workspaceId: childId, serviceKey: 'edr', day: '2026-11-03', devices: 1, users: 1 },
          { workspaceId: childId, serviceKey: 'nope', day: '2026-11-03', devices: 1, users: 1 },
        ]),
      );
      const rejected = run('usage', 'import', '--file', bad);
      expect(rejected.status).toBe(1);
      expect(rejected.stderr).toContain('unknown service "nope"');
      const days = await database.db.selectFrom('usage_daily').select('day').orderBy('day').execute();
      expect(days.map((d) => d.day)).toStrictEqual(['2026-11-01', '2026-11-02']);
    },
  );

  it('reports migration status', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
    const status = run('migrate', 'status');
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/applied .* 202611270001_core/);
  });
});
