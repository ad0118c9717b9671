import envSchema from 'env-schema';
import { Type, type Static } from 'typebox';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { databaseConfigFromUrl, type DatabaseConfig } from '../db/database.js';
import { parseKeyRing, type KeySpec } from '../crypto/secret-box.js';
import { recommendedScrypt, testScrypt, type ScryptParams } from '../auth/password.js';

export const appModes = ['production', 'development', 'demo', 'test'] as const;
export type AppMode = (typeof appModes)[number];

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The environment, as documented in the README. Every variable is optional except in production. */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String()),
  DATA_DIR: Type.String({ default: './data' }),
  MODE: Type.Optional(Type.Enum(appModes)),
  NODE_ENV: Type.Optional(Type.String()),
  ENCRYPTION_KEYS: Type.Optional(Type.String()),
  AUTOTASK_INTEGRATION_CODE: Type.String({ default: '' }),
  AUTOTASK_DISCOVERY_URL: Type.String({ default: 'https://webservices2.autotask.net/ATServicesRest/' }),
  /** The integration's clientId GUID from developer.connectwise.com (sent on every ConnectWise call). */
  CONNECTWISE_CLIENT_ID: Type.String({ default: '' }),
  /** A PEM file of extra CAs to trust for ConnectWise (the local sandbox's self-signed certificate). */
  CONNECTWISE_CA_FILE: Type.Optional(Type.String()),
  PUBLIC_URL: Type.Optional(Type.String()),
  SMTP_URL: Type.Optional(Type.String()),
  /** Lets webhooks target private/loopback addresses and plain http (local receivers, closed networks). */
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.Enum(logLevels, { default: 'info' }),
  SESSION_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 90, default: 12 }),
  LOGIN_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 10 }),
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  LOCKOUT_THRESHOLD: Type.Integer({ minimum: 1, default: 5 }),
  LOCKOUT_MINUTES: Type.Integer({ minimum: 1, default: 15 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  WEB_DIST_DIR: Type.Optional(Type.String()),
  TRUST_PROXY: Type.Boolean({ default: false }),
  /** When set, /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /**
   * Connector syncs one process runs at once. A sync mostly waits on the PSA (3 threads per tenant,
   * ~150 ms a call), so a worker serving a fleet of tenants wants many; per-tenant limits hold anyway.
   */
  SYNC_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
});
export type Env = Static<typeof EnvSchema>;

export interface AppConfig {
  readonly mode: AppMode;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  /** First key encrypts; all keys decrypt. Never empty. */
  readonly encryptionKeys: readonly KeySpec[];
  readonly autotask: { readonly integrationCode: string; readonly discoveryUrl: string };
  readonly connectwise: { readonly clientId: string; readonly caFile: string | null };
  readonly publicUrl: string;
  /** True when PUBLIC_URL is https: cookies get `Secure`. */
  readonly isSecureCookies: boolean;
  readonly smtpUrl: string | null;
  /** WEBHOOK_ALLOW_PRIVATE: lifts the webhook SSRF address rules and the https rule. */
  readonly isWebhookPrivateAllowed: boolean;
  readonly logLevel: (typeof logLevels)[number];
  readonly sessionTtlMs: number;
  readonly login: {
    readonly rateLimitMax: number;
    readonly rateLimitWindowMs: number;
    readonly lockoutThreshold: number;
    readonly lockoutMs: number;
  };
  /** Cost of new password hashes; weaker stored hashes are re-hashed at the next sign-in. */
  readonly passwordHashing: ScryptParams;
  readonly bodyLimitBytes: number;
  /** The built console (apps/web/dist); served when the folder exists. */
  readonly webDistDir: string;
  readonly trustProxy: boolean;
  readonly metricsToken: string | null;
  /** SYNC_CONCURRENCY: `sync.connector` jobs per process (ADR 0015). */
  readonly syncConcurrency: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const generateKeyHint =
  "Generate one with: node -e \"console.log('k1:' + require('crypto').randomBytes(32).toString('base64'))\"";

/**
 * Reads and validates the environment (every problem reported at once) into a typed config.
 * Side effect, demo/development only: without ENCRYPTION_KEYS a key is generated once into
 * DATA_DIR/encryption.key (mode 0600) and reused, so a demo restarts with readable secrets.
 *
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): AppConfig {
  let parsed: Env;
  try {
    parsed = envSchema<Env>({ schema: EnvSchema, data: { ...env }, env: false, dotenv: false });
  } catch (error) {
    throw new ConfigError(`Invalid environment: ${(error as Error).message}`);
  }
  const mode = resolveMode(parsed);
  const dataDir = resolve(parsed.DATA_DIR);
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
  let isSecureCookies: boolean;
  try {
    isSecureCookies = new URL(publicUrl).protocol === 'https:';
  } catch {
    throw new ConfigError(`PUBLIC_URL is not a URL: ${publicUrl}`);
  }
  return {
    mode,
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir,
    database: databaseConfigFromUrl(parsed.DATABASE_URL, join(dataDir, 'coro.sqlite')),
    encryptionKeys: resolveEncryptionKeys(parsed.ENCRYPTION_KEYS, mode, dataDir),
    autotask: {
      integrationCode: parsed.AUTOTASK_INTEGRATION_CODE,
      discoveryUrl: parsed.AUTOTASK_DISCOVERY_URL,
    },
    connectwise: { clientId: parsed.CONNECTWISE_CLIENT_ID, caFile: parsed.CONNECTWISE_CA_FILE ?? null },
    publicUrl,
    isSecureCookies,
    smtpUrl: parsed.SMTP_URL ?? null,
    isWebhookPrivateAllowed: parsed.WEBHOOK_ALLOW_PRIVATE,
    logLevel: parsed.LOG_LEVEL,
    sessionTtlMs: parsed.SESSION_TTL_HOURS * 3_600_000,
    login: {
      rateLimitMax: parsed.LOGIN_RATE_LIMIT_MAX,
      rateLimitWindowMs: parsed.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000,
      lockoutThreshold: parsed.LOCKOUT_THRESHOLD,
      lockoutMs: parsed.LOCKOUT_MINUTES * 60_000,
    },
    passwordHashing: mode === 'test' ? testScrypt : recommendedScrypt,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    webDistDir: resolve(parsed.WEB_DIST_DIR ?? defaultWebDistDir()),
    trustProxy: parsed.TRUST_PROXY,
    metricsToken: parsed.METRICS_TOKEN ?? null,
    syncConcurrency: parsed.SYNC_CONCURRENCY,
  };
}

/**
 * apps/web/dist, found from this module whether it runs from src/config/ (tsx) or from the bundle
 * in dist/ (bin/coro-psa.mjs): the nearest ancestor holding web/package.json.
 */
function defaultWebDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'web', 'package.json'))) return join(dir, 'web', 'dist');
    const parent = dirname(dir);
    if (parent === dir) return resolve('apps/web/dist');
    dir = parent;
  }
}

function resolveMode(env: Env): AppMode {
  if (env.MODE) return env.MODE;
  const nodeEnv = env.NODE_ENV;
  return appModes.find((m) => m === nodeEnv) ?? 'development';
}

function resolveEncryptionKeys(
  value: string | undefined,
  mode: AppMode,
  dataDir: string,
): readonly KeySpec[] {
  if (value !== undefined && value.trim() !== '') {
    const ring = parseKeyRing(value);
    if (!ring.ok) throw new ConfigError(`ENCRYPTION_KEYS is invalid: ${ring.error}. ${generateKeyHint}`);
    return ring.value;
  }
  switch (mode) {
    case 'production':
      throw new ConfigError(
        `ENCRYPTION_KEYS is required in production (PSA credentials are encrypted at rest). ` +
          `Set ENCRYPTION_KEYS="k1:<base64 of 32 random bytes>". ${generateKeyHint}`,
      );
    case 'test':
      return [{ id: 'test', key: randomBytes(32) }];
    case 'demo':
    case 'development':
      return loadOrCreateKeyFile(join(dataDir, 'encryption.key'));
  }
}

function loadOrCreateKeyFile(file: string): readonly KeySpec[] {
  if (!existsSync(file)) {
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const ring = parseKeyRing(readFileSync(file, 'utf8').trim());
  if (!ring.ok)
    throw new ConfigError(
      `${file} is invalid: ${ring.error}. Delete it only if no secret was stored with it.`,
    );
  return ring.value;
}
