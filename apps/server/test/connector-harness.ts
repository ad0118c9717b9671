/**
 * The whole app over a real Autotask sandbox, with every log line captured (the product's pino
 * options, level trace) so tests can assert a secret never reaches a log. Builds on the
 * foundation's test-app pieces (config, tenant seed, login) rather than re-implementing them.
 */
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { CSRF_COOKIE, endpoints, SESSION_COOKIE } from '@coro/contracts';
import { startSandbox } from 'autotask-sandbox';

import { SecretBox } from '../src/crypto/secret-box.js';
import { callEndpoint } from './call-endpoint.js';
import type { DB } from '../src/db/schema.js';
import { buildApp } from '../src/http/app.js';
import type { AppContext } from '../src/app/app-context.js';
import type { AppInstance } from '../src/http/routes/route-plugin.js';
import { createAutotaskProvider, type AutotaskProvider } from '../src/integrations/autotask/index.js';
import { loggerOptions } from '../src/observability/logger.js';
import { insertWorkspace } from '../src/workspaces/workspace.repository.js';
import {
  createTestClock,
  seedTenants,
  TEST_PASSWORD,
  testConfig,
  type AuthHeaders,
  type TestClock,
  type TestRole,
  type TestSeed,
} from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface ConnectorHarness {
  readonly app: AppInstance;
  readonly ctx: AppContext;
  readonly db: Kysely<DB>;
  readonly database: TestDatabase;
  readonly sandbox: Sandbox;
  readonly provider: AutotaskProvider;
  readonly seed: TestSeed;
  readonly clock: TestClock;
  /** Every log line written so far (JSON text). */
  readonly logLines: string[];
  login(role: TestRole): Promise<AuthHeaders>;
  /** Adds child workspaces to the seed's channel; returns name → id. */
  addChildren(names: readonly string[], status?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function createConnectorHarness(
  options: {
    seed?: 'demo' | 'empty' | `scale:${number}`;
    discoveryBaseUrl?: string;
    /** Settings a test needs changed (e.g. a loopback SMTP server, private webhook targets). */
    config?: Partial<AppContext['config']>;
  } = {},
): Promise<ConnectorHarness> {
  const sandbox = await startSandbox({ port: 0, seed: options.seed ?? 'demo' });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino(loggerOptions('trace'), sink);
  const provider = createAutotaskProvider({
    discoveryBaseUrl: options.discoveryBaseUrl ?? `${sandbox.url}/ATServicesRest/`,
    backoffBaseMs: 5,
    backoffMaxMs: 40,
    maxRetryAfterMs: 1_000,
    maxAttempts: 2,
    requestTimeoutMs: 5_000,
    logger,
  });
  const database = await createTestDatabase();
  const base = testConfig();
  const config = {
    ...base,
    autotask: { ...base.autotask, integrationCode: sandbox.apiUser.integrationCode },
    ...options.config,
  };
  const clock = createTestClock();
  const ctx: AppContext = {
    config,
    database,
    logger,
    clock,
    secretBox: new SecretBox(config.encryptionKeys),
    psaProviders: { autotask: provider },
  };
  const seed = await seedTenants(database.db, clock().toISOString());
  const app = await buildApp(ctx, { webDistDir: null });
  await app.ready();
  const sessions = new Map<TestRole, AuthHeaders>();
  let address = 0;

  return {
    app,
    ctx,
    db: database.db,
    database,
    sandbox,
    provider,
    seed,
    clock,
    logLines,
    async login(role) {
      if (role === 'anonymous') return {};
      const cached = sessions.get(role);
      if (cached) return cached;
      address += 1;
      const response = await callEndpoint(app, endpoints.auth.login, {
        body: { email: seed.users[role].email, password: TEST_PASSWORD },
        remoteAddress: `10.8.0.${address}`,
      });
      if (response.statusCode !== 200)
        throw new Error(`login(${role}) failed: ${response.statusCode} ${response.body}`);
      const cookies = response.response.cookies as { name: string; value: string }[];
      const session = cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? '';
      const csrf = cookies.find((c) => c.name === CSRF_COOKIE)?.value ?? '';
      const headers = {
        cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrf}`,
        'x-csrf-token': csrf,
      };
      sessions.set(role, headers);
      return headers;
    },
    async addChildren(names, status = 'Subscription') {
      const ids: Record<string, string> = {};
      for (const name of names) {
        const workspace = await insertWorkspace(
          database.db,
          { kind: 'child', parentId: seed.channel.id, displayName: name, status: status as 'Subscription' },
          clock().toISOString(),
        );
        ids[name] = workspace.id;
      }
      return ids;
    },
    async close() {
      await app.close();
      await provider.close();
      await sandbox.close();
      await database.close();
    },
  };
}
