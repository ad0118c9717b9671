import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from 'autotask-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { systemActor } from '../audit/audit.repository.js';
import { connectorSecretAad, createConnector, verifyConnector } from '../connectors/connector.service.js';
import { envelopeKeyId, SecretBox, type KeySpec } from '../crypto/secret-box.js';
import { createDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import type { AppContext } from '../app/app-context.js';
import { createAutotaskProvider, type AutotaskProvider } from '../integrations/autotask/index.js';
import {
  putNotificationSettings,
  webhookSecretAad,
  webhookTargetOf,
} from '../notifications/notification-settings.repository.js';
import { createLogger } from '../observability/logger.js';
import { insertWorkspace } from '../workspaces/workspace.repository.js';
import { testConfig } from '../../test/test-app.js';
import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { sealedColumns } from './sealed-columns.js';

const bin = fileURLToPath(new URL('../../bin/coro-psa.mjs', import.meta.url));
/** Each run starts Node + tsx (seconds on a loaded machine); up to three runs per test. */
const CLI_TEST_TIMEOUT_MS = 240_000;

const key = (id: string): KeySpec => ({ id, key: randomBytes(32) });
const ka = key('ka');
const kb = key('kb');
const kx = key('kx');
const ring = (...keys: KeySpec[]): string => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

/**
 * `coro-psa keys status|rotate` as operators run them (a child process), on the current project's
 * dialect. The secrets are written by the app's own services (connector CONNECT against the real
 * sandbox, notification settings) under key ka, one connector under kx, a key the ring never has.
 */
describe.skipIf(isDatabaseUnavailable())(`coro-psa keys (${testDialect()})`, () => {
  let dir: string;
  let database: Database | TestDatabase;
  let env: Record<string, string>;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let provider: AutotaskProvider;
  /** Connector id → its Autotask secret, in id order; the kx one is last (created last, UUIDv7). */
  const connectorSecrets = new Map<string, string>();
  const webhookSecrets = new Map<string, string>();
  let kxConnectorId = '';
  let kxEnvelope = '';
  const outputs: string[] = [];
  /** The envelopes as the app wrote them, before any rotation. */
  const initialEnvelopes: string[] = [];

  const contextFor = (keys: KeySpec[]): AppContext => ({
    config: testConfig({ encryptionKeys: keys }),
    database,
    logger: createLogger('silent'),
    clock: () => new Date(),
    secretBox: new SecretBox(keys),
    psaProviders: { autotask: provider },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coro-keys-'));
    env = { MODE: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' };
    if (testDialect() === 'postgres') {
      const pg = await createTestDatabase();
      if (pg.location.driver === 'postgres') env.DATABASE_URL = pg.location.url;
      database = pg;
    } else {
      database = createDatabase({ driver: 'sqlite', file: join(dir, 'coro.sqlite') });
      await migrateToLatest(database.db, 'sqlite');
    }
    sandbox = await startSandbox({ port: 0, seed: 'empty' });
    provider = createAutotaskProvider({
      discoveryBaseUrl: `${sandbox.url}/ATServicesRest/`,
      maxAttempts: 2,
      backoffBaseMs: 5,
      backoffMaxMs: 20,
    });
    const underA = contextFor([ka]);
    const connect = async (ctx: AppContext, index: number): Promise<{ id: string; secret: string }> => {
      const now = new Date().toISOString();
      const channel = await insertWorkspace(
        database.db,
        { kind: 'channel', parentId: null, displayName: `MSP ${index}` },
        now,
      );
      const user = {
        username: `api${index}@rotate.example`,
        secret: `at-secret-${index}-${randomBytes(9).toString('hex')}`,
        integrationCode: sandbox.apiUser.integrationCode,
      };
      sandbox.admin.addApiUser(user);
      const connector = await createConnector(ctx, systemActor('test'), channel.id, {
        kind: 'autotask',
        ...user,
      });
      return { id: connector.id, secret: user.secret };
    };
    for (let i = 0; i < 5; i++) {
      const { id, secret } = await connect(underA, i);
      connectorSecrets.set(id, secret);
    }
    for (const id of [...connectorSecrets.keys()].slice(0, 3)) {
      const secret = `whsec-${randomBytes(9).toString('hex')}`;
      await putNotificationSettings(
        database.db,
        underA.secretBox,
        id,
        {
          isEmailEnabled: true,
          emailRecipients: null,
          webhookUrl: 'https://hooks.example/coro',
          webhookSecret: secret,
        },
        new Date().toISOString(),
      );
      webhookSecrets.set(id, secret);
    }
    const lost = await connect(contextFor([kx]), 5);
    kxConnectorId = lost.id;
    connectorSecrets.set(lost.id, lost.secret);
    kxEnvelope = await envelopeOf(lost.id);
    const initial = await stored([ka, kx]);
    for (const s of [...initial.connectors, ...initial.webhooks]) {
      expect(s.secret).not.toBeNull();
      initialEnvelopes.push(s.envelope);
    }
    expect(initialEnvelopes).toHaveLength(9);
  }, 120_000);

  afterAll(async () => {
    await provider.close();
    await sandbox.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (keys: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env, ENCRYPTION_KEYS: keys },
      encoding: 'utf8',
      timeout: 120_000,
    });
    outputs.push(result.stdout, result.stderr);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  const envelopeOf = async (connectorId: string): Promise<string> =>
    (
      await database.db
        .selectFrom('psa_connectors')
        .select('secret_box')
        .where('id', '=', connectorId)
        .executeTakeFirstOrThrow()
    ).secret_box;

  /** Every sealed value with the key id it names and what the given ring opens it to. */
  const stored = async (keys: KeySpec[]) => {
    const box = new SecretBox(keys);
    const connectors = await database.db
      .selectFrom('psa_connectors')
      .select(['id', 'secret_box'])
      .orderBy('id')
      .execute();
    const webhooks = await database.db
      .selectFrom('notification_settings')
      .select(['connector_id', 'webhook_secret_box'])
      .where('webhook_secret_box', 'is not', null)
      .orderBy('connector_id')
      .execute();
    const open = (envelope: string, aad: string): string | null => {
      const opened = box.open(envelope, aad);
      return opened.ok ? opened.value : null;
    };
    return {
      connectors: connectors.map((r) => ({
        id: r.id,
        envelope: r.secret_box,
        keyId: envelopeKeyId(r.secret_box),
        secret: ((): string | null => {
          const json = open(r.secret_box, connectorSecretAad(r.id));
          return json === null ? null : (JSON.parse(json) as { secret: string }).secret;
        })(),
      })),
      webhooks: webhooks.map((r) => ({
        id: r.connector_id,
        envelope: r.webhook_secret_box ?? '',
        keyId: envelopeKeyId(r.webhook_secret_box ?? ''),
        secret: open(r.webhook_secret_box ?? '', webhookSecretAad(r.connector_id)),
      })),
    };
  };

  it('lists every sealed column of the schema', async () => {
    const tables = await database.db.introspection.getTables();
    const boxes = tables.flatMap((t) =>
      t.columns.filter((c) => c.name.endsWith('_box')).map((c) => `${t.name}.${c.name}`),
    );
    expect(boxes.sort()).toStrictEqual(sealedColumns.map((c) => c.name).sort());
  });

  it(
    'status counts secrets per key id and flags the key the ring lacks',
    { timeout: CLI_TEST_TIMEOUT_MS },
    () => {
      const status = run(ring(kb, ka), 'keys', 'status');
      expect(status.status, status.stderr).toBe(0);
      expect(status.stdout).toContain('Key ring (ENCRYPTION_KEYS): kb (primary), ka');
      expect(status.stdout).toMatch(/^kb\s+0\s+primary/m);
      expect(status.stdout).toMatch(/^ka\s+8\s+in the ring/m);
      expect(status.stdout).toMatch(/^kx\s+1\s+NOT in ENCRYPTION_KEYS/m);
      expect(status.stdout).toContain(
        'psa_connectors.secret_box (PSA connector credentials): 6 — ka 5, kx 1',
      );
      expect(status.stdout).toContain(
        'notification_settings.webhook_secret_box (notification webhook secrets): 3 — ka 3',
      );
      expect(status.stdout).toContain(
        '8 secrets sealed under an older key of the ring: run `coro-psa keys rotate`.',
      );
      expect(status.stdout).toContain('1 secret cannot be opened with this ring');
    },
  );

  it(
    'an interrupted rotation keeps every secret readable and the committed batches re-sealed',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const ids = [...connectorSecrets.keys()];
      const faulty = ids[2] ?? '';
      // A real database fault on the second batch's first row (batch size 2).
      if (testDialect() === 'postgres') {
        await sql`create function coro_test_fault() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`.execute(
          database.db,
        );
        await sql`create trigger coro_test_fault before update on psa_connectors for each row when (old.id = ${sql.lit(faulty)}) execute function coro_test_fault()`.execute(
          database.db,
        );
      } else {
        await sql`create trigger coro_test_fault before update on psa_connectors when old.id = ${sql.lit(faulty)} begin select raise(abort, 'injected fault'); end`.execute(
          database.db,
        );
      }
      try {
        const stopped = run(ring(kb, ka), 'keys', 'rotate', '--batch-size', '2');
        expect(stopped.status).toBe(1);
        expect(stopped.stderr).toContain('coro-psa: rotation stopped:');
        expect(stopped.stderr).toContain('injected fault');
        expect(stopped.stderr).toContain('run `coro-psa keys rotate` again');
      } finally {
        if (testDialect() === 'postgres') {
          await sql`drop trigger coro_test_fault on psa_connectors`.execute(database.db);
          await sql`drop function coro_test_fault()`.execute(database.db);
        } else {
          await sql`drop trigger coro_test_fault`.execute(database.db);
        }
      }
      const after = await stored([kb, ka]);
      expect(after.connectors.map((c) => c.keyId)).toStrictEqual(['kb', 'kb', 'ka', 'ka', 'ka', 'kx']);
      expect(after.webhooks.map((w) => w.keyId)).toStrictEqual(['ka', 'ka', 'ka']);
      for (const c of after.connectors.slice(0, 5)) expect(c.secret).toBe(connectorSecrets.get(c.id));
      for (const w of after.webhooks) expect(w.secret).toBe(webhookSecrets.get(w.id));
    },
  );

  it(
    're-seals every secret under the new primary, reports the one no key opens and rotates the rest',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const rotated = run(ring(kb, ka), 'keys', 'rotate', '--batch-size', '2');
      expect(rotated.status).toBe(1);
      expect(rotated.stdout).toContain(
        'psa_connectors.secret_box (PSA connector credentials): 3 re-sealed (from ka 3), 2 already under kb, 1 left as is',
      );
      expect(rotated.stdout).toContain(
        'notification_settings.webhook_secret_box (notification webhook secrets): 3 re-sealed (from ka 3), 0 already under kb, 0 left as is',
      );
      expect(rotated.stdout).toContain(
        'Done: 6 re-sealed under kb, 2 already under it, 1 could not be re-sealed.',
      );
      expect(rotated.stderr).toContain(
        `coro-psa: psa_connectors.secret_box of connector ${kxConnectorId} is sealed under key "kx", which is not in ENCRYPTION_KEYS (kb, ka). Add that key back`,
      );
      expect(rotated.stderr).toContain('1 secret could not be re-sealed and was left as is');
      // Progress on stderr, batch by batch (not a TTY: one line per 10 %).
      expect(rotated.stderr).toContain('100% 9/9 rows');
      expect(rotated.stderr.match(/% \d+\/9 rows/g)?.length ?? 0).toBeGreaterThanOrEqual(3);

      // Readable with the new key alone, to the same values; the kx row is untouched.
      const after = await stored([kb]);
      for (const c of after.connectors.filter((c) => c.id !== kxConnectorId)) {
        expect(c.keyId).toBe('kb');
        expect(c.secret).toBe(connectorSecrets.get(c.id));
      }
      for (const w of after.webhooks) {
        expect(w.keyId).toBe('kb');
        expect(w.secret).toBe(webhookSecrets.get(w.id));
      }
      expect(await envelopeOf(kxConnectorId)).toBe(kxEnvelope);

      // The app itself opens them with kb only: the sandbox accepts the re-sealed credentials.
      const underB = contextFor([kb]);
      const first = after.connectors[0]?.id ?? '';
      const channel = await database.db
        .selectFrom('psa_connectors')
        .select('channel_id')
        .where('id', '=', first)
        .executeTakeFirstOrThrow();
      const verified = await verifyConnector(underB, systemActor('test'), channel.channel_id, first);
      expect(verified.status).toBe('connected');
      const target = await webhookTargetOf(database.db, underB.secretBox, first);
      expect(target?.secret).toBe(webhookSecrets.get(first));

      // A second run changes nothing.
      const again = run(ring(kb, ka), 'keys', 'rotate');
      expect(again.status).toBe(1);
      expect(again.stdout).toContain(
        'Done: 0 re-sealed under kb, 8 already under it, 1 could not be re-sealed.',
      );
      expect((await stored([kb])).connectors.map((c) => c.envelope)).toStrictEqual(
        after.connectors.map((c) => c.envelope),
      );
      expect((await stored([kb])).webhooks.map((w) => w.envelope)).toStrictEqual(
        after.webhooks.map((w) => w.envelope),
      );
    },
  );

  it(
    'with the missing key back the last one rotates, and then the old keys can go',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const recovered = run(ring(kb, ka, kx), 'keys', 'rotate');
      expect(recovered.status, recovered.stderr).toBe(0);
      expect(recovered.stdout).toContain(
        'Done: 1 re-sealed under kb, 8 already under it, 0 could not be re-sealed.',
      );
      expect(recovered.stdout).toContain('counts nothing under ka, kx, remove them from ENCRYPTION_KEYS');

      const status = run(ring(kb), 'keys', 'status');
      expect(status.status).toBe(0);
      expect(status.stdout).toMatch(/^kb\s+9\s+primary/m);
      expect(status.stdout).toContain('All 9 secrets are sealed under the primary key kb.');

      const only = run(ring(kb), 'keys', 'rotate');
      expect(only.status, only.stderr).toBe(0);
      expect(only.stdout).toContain(
        'Done: 0 re-sealed under kb, 9 already under it, 0 could not be re-sealed.',
      );
      const after = await stored([kb]);
      for (const c of after.connectors) expect(c.secret).toBe(connectorSecrets.get(c.id));
    },
  );

  it('never prints a secret, an envelope or key material', async () => {
    expect(outputs.length).toBeGreaterThanOrEqual(12);
    const all = outputs.join('\n');
    const now = await stored([kb]);
    const envelopeParts = [...now.connectors, ...now.webhooks].flatMap((s) => s.envelope.split(':').slice(2));
    const forbidden = [
      ...connectorSecrets.values(),
      ...webhookSecrets.values(),
      ...[ka, kb, kx].map((k) => k.key.toString('base64')),
      ...initialEnvelopes.flatMap((e) => e.split(':').slice(2)),
      ...envelopeParts,
    ];
    for (const value of forbidden) expect(all).not.toContain(value);
  });
});
