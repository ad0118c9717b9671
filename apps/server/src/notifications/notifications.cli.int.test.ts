/**
 * `coro-psa notifications …` as operators run it: the real bin in a child process, on this
 * project's database (SQLite file or a scratch PostgreSQL database), with a loopback SMTP server
 * and webhook receiver. The secret goes in through stdin or an env var and never comes out.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insertConnector } from '../connectors/connector.repository.js';
import { createDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { insertWorkspace } from '../workspaces/workspace.repository.js';
import { createTestDatabase, isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { startSmtpServer, startWebhookReceiver } from './notifications.test-support.js';
import { verifyWebhookSignature } from './webhook.signature.js';

const bin = fileURLToPath(new URL('../../bin/coro-psa.mjs', import.meta.url));
const CLI_TEST_TIMEOUT_MS = 240_000;
const secret = 'whsec-cli-stdin-never-in-argv-42';
const envSecret = 'whsec-cli-from-env-var-never-out-7';

describe.skipIf(isDatabaseUnavailable())(`coro-psa notifications (${testDialect()})`, () => {
  let dir: string;
  let database: Database;
  let env: Record<string, string>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let channelId = '';
  const connectorId = randomUUID();
  const outputs: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    receiver = await startWebhookReceiver(() => ({ status: 204 }));
    dir = mkdtempSync(join(tmpdir(), 'coro-notif-cli-'));
    env = {
      MODE: 'test',
      DATA_DIR: dir,
      LOG_LEVEL: 'debug',
      // One key for every process: the test command must open the secret the set command sealed.
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      SMTP_URL: smtp.url,
      WEBHOOK_ALLOW_PRIVATE: 'true',
    };
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
    await insertConnector(database.db, {
      id: connectorId,
      channel_id: channelId,
      kind: 'autotask',
      status: 'connected',
      status_code: null,
      status_message: null,
      status_advice: null,
      username: 'api@ops.example',
      secret_box: 'not-opened-by-these-commands',
      integration_code: null,
      zone_name: null,
      currency: null,
      tenant_id: null,
      last_verified_at: null,
      last_sync_at: null,
      next_sync_at: null,
      companies_refreshed_at: null,
      companies_watermark: null,
      services_refreshed_at: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    });
  });
  afterAll(async () => {
    await database.close();
    await smtp.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [bin, 'notifications', ...args, '--channel', channelId, '--connector', connectorId],
        { env: { ...process.env, ...env, ...options.env } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.stdin.end(options.stdin ?? '');
      child.on('close', (status) => {
        outputs.push(stdout, stderr);
        resolve({ status, stdout, stderr });
      });
    });

  it(
    'shows defaults, refuses a test with nothing configured, sets from stdin, tests both channels',
    async () => {
      const shown = await run(['show']);
      expect(shown.status, shown.stderr).toBe(0);
      expect(shown.stdout).toContain("Recipients: the channel's admins");
      expect(shown.stdout).toContain('Secret:     not set');

      // E-mail on but no admins and no recipients, no webhook: nothing to test.
      const nothing = await run(['test']);
      expect(nothing.status).toBe(1);
      expect(nothing.stderr).toContain('Nothing to test');

      const set = await run(
        [
          'set',
          '--recipients',
          'Ops@Msp.Example',
          '--webhook-url',
          receiver.url,
          '--webhook-secret-from',
          'stdin',
        ],
        { stdin: `${secret}\n` },
      );
      expect(set.status, set.stderr).toBe(0);
      expect(set.stdout).toContain('Recipients: ops@msp.example');
      expect(set.stdout).toContain('Secret:     set');

      const tested = await run(['test']);
      expect(tested.status, tested.stderr).toBe(0);
      expect(tested.stdout).toMatch(/E-mail\s+sent \(250/);
      expect(tested.stdout).toMatch(/Webhook\s+sent \(HTTP 204\)/);
      expect(receiver.requests).toHaveLength(1);
      const request = receiver.requests[0]!;
      expect(verifyWebhookSignature(secret, request.signature, request.body, Date.now() / 1000)).toBe(true);
      expect(smtp.received.at(-1)?.to).toStrictEqual(['ops@msp.example']);

      const actions = await database.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', connectorId)
        .orderBy('created_at')
        .execute();
      expect(actions.map((a) => a.action)).toStrictEqual([
        'notifications.settings_updated',
        'notifications.test_sent',
      ]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'reads the secret from a named env var, refuses a short one, and never prints a secret',
    async () => {
      const short = await run(['set', '--webhook-secret-from', 'env:CORO_HOOK_SECRET'], {
        env: { CORO_HOOK_SECRET: 'short' },
      });
      expect(short.status).toBe(1);
      expect(short.stderr).toContain('16 to 256 characters');

      const fromEnv = await run(['set', '--email', 'off', '--webhook-secret-from', 'env:CORO_HOOK_SECRET'], {
        env: { CORO_HOOK_SECRET: envSecret },
      });
      expect(fromEnv.status, fromEnv.stderr).toBe(0);
      expect(fromEnv.stdout).toContain('E-mail:     off');

      const before = receiver.requests.length;
      const tested = await run(['test']);
      expect(tested.status, tested.stderr).toBe(0);
      expect(tested.stdout).toMatch(/E-mail\s+not_configured/);
      const request = receiver.requests[before]!;
      expect(verifyWebhookSignature(envSecret, request.signature, request.body, Date.now() / 1000)).toBe(
        true,
      );

      const all = outputs.join('\n');
      expect(all).not.toContain(secret);
      expect(all).not.toContain(envSecret);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
