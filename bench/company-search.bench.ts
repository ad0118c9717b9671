/**
 * Company-picker search over a large cached Autotask tenant: 50,000 companies in `psa_companies`,
 * searched with the product's query (contains on the stored lower-cased key, prefix matches first,
 * keyset page of 25) through the repository and through the HTTP route (app.inject, session
 * cookie, RBAC, validation, serialization). Baseline in the same run: the same filter computed
 * with `lower(name)` at query time instead of the stored key.
 *
 *   npx tsx bench/company-search.bench.ts           (or: npm run bench company-search)
 *   BENCH_COMPANIES=100000 BENCH_ITERATIONS=100 …  to change the size.
 *   PostgreSQL runs too when TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers.
 *
 * Figures are printed, never asserted.
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CSRF_COOKIE, SESSION_COOKIE, endpoints, endpointUrl } from '@coro/contracts';
import { scaleCompanyName } from 'autotask-sandbox';

import { hashPassword } from '../apps/server/src/auth/password.js';
import { grantRole, insertUser } from '../apps/server/src/auth/user.repository.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { SecretBox } from '../apps/server/src/crypto/secret-box.js';
import { createDatabase, type Database } from '../apps/server/src/db/database.js';
import { newId } from '../apps/server/src/db/ids.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import type { DB } from '../apps/server/src/db/schema.js';
import { buildApp } from '../apps/server/src/http/app.js';
import {
  likeContains,
  searchCompanies,
  upsertCompanies,
} from '../apps/server/src/lookups/lookup.repository.js';
import { insertWorkspace } from '../apps/server/src/workspaces/workspace.repository.js';
import { workspaceMappingRow } from '../apps/server/test/connector.fixtures.js';
import { dropDatabaseWhenIdle } from '../apps/server/test/pg-scratch.js';
import { percentile } from './scale-app.js';

const companyCount = Number(process.env.BENCH_COMPANIES ?? 50_000);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);
// Against the sandbox's scale-seed names ("Acmeridge Logistics", "Auroraside Dental LLC", …):
// empty, very broad, prefix, contains-only multi-word, narrow prefix, no match.
const queries = ['', 'a', 'acme', 'harbor', 'dental llc', 'northw', 'zzzz-none'] as const;

async function measure(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i += 1) await run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const ms = (value: number): string => `${value.toFixed(2)} ms`.padStart(10);

async function bench(label: string, database: Database): Promise<void> {
  const db: Kysely<DB> = database.db;
  await migrateToLatest(db as Kysely<unknown>, database.dialect);
  const now = new Date().toISOString();
  const channel = await insertWorkspace(
    db,
    { kind: 'channel', parentId: null, displayName: 'Bench MSP' },
    now,
  );
  const connectorId = newId();
  await db
    .insertInto('psa_connectors')
    .values({
      id: connectorId,
      channel_id: channel.id,
      kind: 'autotask',
      status: 'connected',
      status_code: null,
      status_message: null,
      status_advice: null,
      username: 'bench',
      secret_box: 'none',
      integration_code: null,
      zone_name: null,
      tenant_id: null,
      last_verified_at: now,
      last_sync_at: null,
      next_sync_at: null,
      companies_refreshed_at: now,
      companies_watermark: null,
      services_refreshed_at: now,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const started = performance.now();
  const companies = Array.from({ length: companyCount }, (_, i) => ({
    id: String(i + 1),
    name: scaleCompanyName(i),
    isActive: i % 50 !== 0,
    modifiedAt: now,
  }));
  await db.transaction().execute((trx) => upsertCompanies(trx, connectorId, companies, now));
  // A few hundred mapped workspaces, so the "already mapped to" join is not empty.
  for (let i = 0; i < 300; i += 1) {
    const child = await insertWorkspace(
      db,
      { kind: 'child', parentId: channel.id, displayName: `Customer ${i}`, status: 'Subscription' },
      now,
    );
    await db
      .insertInto('workspace_mappings')
      .values(
        workspaceMappingRow({
          connectorId,
          workspaceId: child.id,
          psaCompanyId: String(((i * 97) % companyCount) + 1),
          now,
        }),
      )
      .execute();
  }
  await sql`analyze`.execute(db);
  console.log(
    `\n[${label}] seeded ${companyCount.toLocaleString('en-US')} companies in ${((performance.now() - started) / 1000).toFixed(1)} s; ${iterations} searches per query, page of 25`,
  );

  const config = {
    ...loadConfig({ MODE: 'test', LOG_LEVEL: 'silent', DATA_DIR: tmpdir() }),
    webDistDir: '/nonexistent',
  };
  const app = await buildApp(
    {
      config,
      database,
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      secretBox: new SecretBox(config.encryptionKeys),
      psaProviders: {},
    },
    { webDistDir: null },
  );
  await app.ready();
  const user = await insertUser(
    db,
    {
      email: 'bench@example.test',
      displayName: 'Bench',
      passwordHash: await hashPassword('bench-password-1'),
    },
    now,
  );
  await grantRole(db, user.id, channel.id, 'msp_viewer', now);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'bench@example.test', password: 'bench-password-1' },
  });
  const cookies = login.cookies as { name: string; value: string }[];
  const cookie = `${SESSION_COOKIE}=${cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? ''}; ${CSRF_COOKIE}=${cookies.find((c) => c.name === CSRF_COOKIE)?.value ?? ''}`;
  const url = endpointUrl(endpoints.lookups.companies, { params: { channelId: channel.id, connectorId } });

  console.log(
    `  ${'query'.padEnd(16)} ${'hits'.padStart(5)} | ${'repo p50'.padStart(10)} ${'repo p95'.padStart(10)} | ${'HTTP p50'.padStart(10)} ${'HTTP p95'.padStart(10)} | ${'base p50'.padStart(10)} ${'ratio'.padStart(6)}`,
  );
  for (const q of queries) {
    const page = await searchCompanies(db, connectorId, { q, limit: 25 });
    const repo = await measure(() => searchCompanies(db, connectorId, { q, limit: 25 }));
    const http = await measure(async () => {
      const response = await app.inject({
        method: 'GET',
        url,
        query: { q, limit: '25' },
        headers: { cookie },
      });
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${response.body}`);
    });
    // Baseline: same filter and order, lower() computed per row at query time.
    const baseline = await measure(() =>
      db
        .selectFrom('psa_companies')
        .select(['psa_id', 'name'])
        .where('connector_id', '=', connectorId)
        .where('is_present', '=', 1)
        .where(sql<boolean>`lower(name) like ${likeContains(q.toLowerCase())} escape '\\'`)
        .orderBy(sql`case when lower(name) like ${`${q.toLowerCase()}%`} then 0 else 1 end`)
        .orderBy(sql`lower(name)`)
        .limit(26)
        .execute(),
    );
    console.log(
      `  ${JSON.stringify(q).padEnd(16)} ${String(page.items.length).padStart(5)} | ${ms(repo.p50)} ${ms(repo.p95)} | ${ms(http.p50)} ${ms(http.p95)} | ${ms(baseline.p50)} ${(baseline.p50 / repo.p50).toFixed(2).padStart(5)}x`,
    );
  }
  await app.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coro-bench-'));
  const sqlite = createDatabase({ driver: 'sqlite', file: join(dir, 'bench.sqlite') });
  try {
    await bench('sqlite', sqlite);
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    console.log(
      `\n[postgres] skipped: ${adminUrl.replace(/\/\/[^@]*@/, '//***@')} does not answer (${String(error)})`,
    );
    return;
  }
  const name = `coro_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const postgres = createDatabase({ driver: 'postgres', url: url.toString(), poolSize: 5 });
  try {
    await bench('postgres', postgres);
  } finally {
    await postgres.close();
    await dropDatabaseWhenIdle(admin, name);
    await admin.end();
  }
}

await main();
