import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from './config.js';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'coro-config-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('fills defaults and picks SQLite under DATA_DIR', () => {
    const dir = tempDir();
    const config = loadConfig({ MODE: 'test', DATA_DIR: dir });
    expect(config.port).toBe(3000);
    expect(config.database).toStrictEqual({ driver: 'sqlite', file: join(dir, 'coro.sqlite') });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.isSecureCookies).toBe(false);
    expect(config.sessionTtlMs).toBe(12 * 3_600_000);
    expect(config.login).toStrictEqual({
      rateLimitMax: 10,
      rateLimitWindowMs: 60_000,
      lockoutThreshold: 5,
      lockoutMs: 15 * 60_000,
    });
    expect(config.syncConcurrency).toBe(10);
  });

  it('reads SYNC_CONCURRENCY and refuses zero or a non-integer', () => {
    expect(loadConfig({ MODE: 'test', DATA_DIR: tempDir(), SYNC_CONCURRENCY: '40' }).syncConcurrency).toBe(
      40,
    );
    expect(() => loadConfig({ MODE: 'test', DATA_DIR: tempDir(), SYNC_CONCURRENCY: '0' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ MODE: 'test', DATA_DIR: tempDir(), SYNC_CONCURRENCY: '2.5' })).toThrow(
      ConfigError,
    );
  });

  it('coerces numbers, picks PostgreSQL for a postgres URL and secure cookies for https', () => {
    const config = loadConfig({
      MODE: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/coro',
      PUBLIC_URL: 'https://psa.example.com/',
      ENCRYPTION_KEYS: `${key('k2')},${key('k1')}`,
      LOCKOUT_THRESHOLD: '3',
    });
    expect(config.port).toBe(8080);
    expect(config.database).toStrictEqual({ driver: 'postgres', url: 'postgres://u@db:5432/coro' });
    expect(config.publicUrl).toBe('https://psa.example.com');
    expect(config.isSecureCookies).toBe(true);
    expect(config.encryptionKeys.map((k) => k.id)).toStrictEqual(['k2', 'k1']);
    expect(config.login.lockoutThreshold).toBe(3);
  });

  it('takes the mode from NODE_ENV when MODE is absent', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).mode).toBe('test');
    expect(loadConfig({ NODE_ENV: 'something', DATA_DIR: tempDir() }).mode).toBe('development');
  });

  it('refuses to start in production without ENCRYPTION_KEYS, naming the variable and how to generate one', () => {
    expect(() => loadConfig({ MODE: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ MODE: 'production' })).toThrow(
      /ENCRYPTION_KEYS is required in production.*randomBytes\(32\)/,
    );
  });

  it('rejects malformed keys and invalid variables', () => {
    expect(() => loadConfig({ MODE: 'test', ENCRYPTION_KEYS: 'k1:short' })).toThrow(
      /ENCRYPTION_KEYS is invalid/,
    );
    expect(() => loadConfig({ MODE: 'test', PORT: 'abc' })).toThrow(/Invalid environment.*PORT/);
    expect(() => loadConfig({ MODE: 'bogus' })).toThrow(ConfigError);
  });

  it('demo: generates DATA_DIR/encryption.key with mode 0600 once and reuses it', () => {
    const dir = tempDir();
    const first = loadConfig({ MODE: 'demo', DATA_DIR: dir });
    const file = join(dir, 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^k1:[A-Za-z0-9+/=]{44}\n$/);
    const second = loadConfig({ MODE: 'demo', DATA_DIR: dir });
    expect(second.encryptionKeys[0]!.key.equals(first.encryptionKeys[0]!.key)).toBe(true);
  });
});
