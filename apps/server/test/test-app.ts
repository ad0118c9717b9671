/**
 * createTestApp(): the whole HTTP app on a fresh migrated database of the current Vitest project's
 * dialect (int-sqlite / int-postgres), with a seeded tenant tree and one user per role.
 *
 * @example
 * describe.skipIf(isDatabaseUnavailable())(`my routes (${testDialect()})`, () => {
 *   let t: TestApp;
 *   beforeAll(async () => { t = await createTestApp(); });
 *   afterAll(() => t.close());
 *   it('lists', async () => {
 *     const res = await t.call(endpoints.workspaces.listChildren, { params: { channelId: t.seed.channel.id } }, 'admin');
 *     expect(res.statusCode).toBe(200);
 *     expect(res.json().items).toHaveLength(3); // typed by the endpoint
 *   });
 * });
 *
 * Seed (ids in `t.seed`):
 *   channel "Test Channel"                     ← super_admin (msp_super_admin), admin (msp_admin), viewer (msp_viewer), billing (msp_billing)
 *   ├─ childA "Alpha Co" (Subscription)        ← child_viewer (msp_viewer on this child only)
 *   ├─ childB "Beta Co" (Trial)
 *   └─ nestedChannel "Nested Channel"          (roles on `channel` apply here too)
 *      └─ nestedChild "Nested Co" (Subscription)
 *   otherChannel "Other Channel"               ← other_admin (msp_admin)
 *   └─ otherChild "Other Co" (Subscription)
 *
 * `login(role)` signs in through POST /api/auth/login and returns headers to spread into
 * `inject({ headers })`: `{ cookie, 'x-csrf-token' }` (CSRF is required on unsafe methods);
 * `login('anonymous')` returns `{}`. Sessions are cached per role; `login(role, { fresh: true })`
 * makes a new one. `call(endpoint, input, role?)` is `callEndpoint` (`call-endpoint.ts`) signed in
 * as `role` (default: anonymous), its headers merged over the role's. `t.clock` is a settable clock shared with the app (`t.clock.advance(ms)`).
 */
import type { Kysely } from 'kysely';
import {
  CSRF_COOKIE,
  endpoints,
  SESSION_COOKIE,
  type EndpointSpec,
  type Role,
  type Workspace,
} from '@coro/contracts';

import { loadConfig, type AppConfig } from '../src/config/config.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import type { DB } from '../src/db/schema.js';
import { buildApp } from '../src/http/app.js';
import type { AppContext } from '../src/app/app-context.js';
import type { AppInstance } from '../src/http/routes/route-plugin.js';
import { createLogger } from '../src/observability/logger.js';
import type { PsaKind, PsaProvider } from '../src/psa/psa-provider.port.js';
import type { AppJobQueue } from '../src/jobs/job-catalog.js';
import { hashPassword, testScrypt } from '../src/auth/password.js';
import { grantRole, insertUser } from '../src/auth/user.repository.js';
import { insertWorkspace } from '../src/workspaces/workspace.repository.js';
import { callEndpoint, type EndpointCall, type EndpointCallInput } from './call-endpoint.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const testRoles = [
  'super_admin',
  'admin',
  'viewer',
  'billing',
  'other_admin',
  'child_viewer',
  'anonymous',
] as const;
export type TestRole = (typeof testRoles)[number];

export const TEST_PASSWORD = 'test-password-123';

export interface TestUser {
  readonly id: string;
  readonly email: string;
}

export interface TestSeed {
  readonly channel: Workspace;
  readonly nestedChannel: Workspace;
  readonly childA: Workspace;
  readonly childB: Workspace;
  readonly nestedChild: Workspace;
  readonly otherChannel: Workspace;
  readonly otherChild: Workspace;
  readonly users: Readonly<Record<Exclude<TestRole, 'anonymous'>, TestUser>>;
}

/** `{ cookie, 'x-csrf-token' }` for a signed-in role, `{}` for anonymous. */
export type AuthHeaders = Record<string, string>;

export interface TestClock {
  (): Date;
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function createTestClock(start: Date | string = new Date()): TestClock {
  let current = new Date(start);
  const clock = (() => new Date(current)) as TestClock;
  clock.set = (date) => {
    current = new Date(date);
  };
  clock.advance = (ms) => {
    current = new Date(current.getTime() + ms);
  };
  return clock;
}

export interface TestApp {
  readonly app: AppInstance;
  readonly ctx: AppContext;
  readonly database: TestDatabase;
  readonly db: Kysely<DB>;
  readonly seed: TestSeed;
  readonly clock: TestClock;
  login(role: TestRole, options?: { fresh?: boolean }): Promise<AuthHeaders>;
  /** `callEndpoint` as `role` (anonymous by default); `input.headers` go over the session's. */
  call<E extends EndpointSpec>(
    endpoint: E,
    input: EndpointCallInput<E>,
    role?: TestRole,
  ): Promise<EndpointCall<E>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Overrides on top of the test config (e.g. `{ login: { …, lockoutThreshold: 2 } }`). */
  readonly config?: Partial<AppConfig>;
  readonly clock?: TestClock;
  readonly psaProviders?: Partial<Record<PsaKind, PsaProvider>>;
  readonly jobs?: AppJobQueue | undefined;
  /** Extra routes registered before `ready()` (e.g. a route that throws, for error-handler tests). */
  readonly extraRoutes?: (app: AppInstance) => void;
  /** Serve a built console from this folder (default: none). */
  readonly webDistDir?: string;
  /** The app's logger (default: the test config's level), e.g. to capture lines for "no secret logged". */
  readonly logger?: AppContext['logger'];
}

/** A test AppConfig (mode test, ephemeral key, no console). `loadConfig` parsing is tested separately. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const base = loadConfig({
    MODE: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATA_DIR: '/nonexistent',
  });
  return { ...base, webDistDir: '/nonexistent', ...overrides };
}

let cachedHash: Promise<string> | undefined;

const roleOf: Readonly<Record<Exclude<TestRole, 'anonymous'>, Role>> = {
  super_admin: 'msp_super_admin',
  admin: 'msp_admin',
  viewer: 'msp_viewer',
  billing: 'msp_billing',
  other_admin: 'msp_admin',
  child_viewer: 'msp_viewer',
};

export async function seedTenants(db: Kysely<DB>, now: string): Promise<TestSeed> {
  const ws = (input: Parameters<typeof insertWorkspace>[1]) => insertWorkspace(db, input, now);
  const channel = await ws({ kind: 'channel', parentId: null, displayName: 'Test Channel' });
  const childA = await ws({
    kind: 'child',
    parentId: channel.id,
    displayName: 'Alpha Co',
    companyName: 'Alpha Company Ltd',
    status: 'Subscription',
  });
  const childB = await ws({ kind: 'child', parentId: channel.id, displayName: 'Beta Co', status: 'Trial' });
  const nestedChannel = await ws({ kind: 'channel', parentId: channel.id, displayName: 'Nested Channel' });
  const nestedChild = await ws({
    kind: 'child',
    parentId: nestedChannel.id,
    displayName: 'Nested Co',
    status: 'Subscription',
  });
  const otherChannel = await ws({ kind: 'channel', parentId: null, displayName: 'Other Channel' });
  const otherChild = await ws({
    kind: 'child',
    parentId: otherChannel.id,
    displayName: 'Other Co',
    status: 'Subscription',
  });
  cachedHash ??= hashPassword(TEST_PASSWORD, testScrypt);
  const passwordHash = await cachedHash;
  const target: Record<Exclude<TestRole, 'anonymous'>, string> = {
    super_admin: channel.id,
    admin: channel.id,
    viewer: channel.id,
    billing: channel.id,
    other_admin: otherChannel.id,
    child_viewer: childA.id,
  };
  const users = {} as Record<Exclude<TestRole, 'anonymous'>, TestUser>;
  for (const role of Object.keys(target) as Exclude<TestRole, 'anonymous'>[]) {
    const email = `${role.replace('_', '-')}@test.example`;
    const user = await insertUser(db, { email, displayName: role, passwordHash }, now);
    await grantRole(db, user.id, target[role], roleOf[role], now);
    users[role] = { id: user.id, email };
  }
  return { channel, nestedChannel, childA, childB, nestedChild, otherChannel, otherChild, users };
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(options.config);
  const clock = options.clock ?? createTestClock();
  const ctx: AppContext = {
    config,
    database,
    logger: options.logger ?? createLogger(config.logLevel),
    clock,
    secretBox: new SecretBox(config.encryptionKeys),
    psaProviders: options.psaProviders ?? {},
    jobs: options.jobs,
  };
  const seed = await seedTenants(database.db, clock().toISOString());
  const app = await buildApp(ctx, { webDistDir: options.webDistDir ?? null });
  options.extraRoutes?.(app);
  await app.ready();
  const sessions = new Map<TestRole, AuthHeaders>();

  async function login(role: TestRole, loginOptions: { fresh?: boolean } = {}): Promise<AuthHeaders> {
    if (role === 'anonymous') return {};
    const cached = sessions.get(role);
    if (cached && loginOptions.fresh !== true) return cached;
    const response = await callEndpoint(app, endpoints.auth.login, {
      body: { email: seed.users[role].email, password: TEST_PASSWORD },
      // Distinct client address per login so the per-IP login limit does not trip shared helpers.
      remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });
    if (response.statusCode !== 200)
      throw new Error(`login(${role}) failed: ${response.statusCode} ${response.body}`);
    const cookies = response.response.cookies as { name: string; value: string }[];
    const session = cookies.find((c) => c.name === SESSION_COOKIE)?.value;
    const csrf = cookies.find((c) => c.name === CSRF_COOKIE)?.value;
    if (!session || !csrf) throw new Error('login did not set the session and CSRF cookies');
    const headers: AuthHeaders = {
      cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrf}`,
      'x-csrf-token': csrf,
    };
    sessions.set(role, headers);
    return headers;
  }

  return {
    app,
    ctx,
    database,
    db: database.db,
    seed,
    clock,
    login,
    call: async (endpoint, input, role = 'anonymous') =>
      callEndpoint(app, endpoint, { ...input, headers: { ...(await login(role)), ...input.headers } }),
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
