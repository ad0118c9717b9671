/**
 * Usage ingest throughput: records/second through the repository (`ingestUsage`, validated, one
 * transaction per 5 000-row batch, chunked multi-row upserts) and through the HTTP API (PUT with a
 * machine token, incl. JSON parsing and schema validation), next to a naive baseline measured in
 * the same run (one upsert statement per row inside one transaction). Also the idempotent re-post
 * (every row unchanged). SQLite always; PostgreSQL when reachable (TEST_DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/test).
 *
 *   npx tsx bench/usage-ingest.bench.ts          (or: npm run bench usage)
 *
 * Figures are printed, never asserted.
 */
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { UsageRecord } from '@coro/contracts';

import { systemActor } from '../apps/server/src/audit/audit.repository.js';
import { createMachineToken } from '../apps/server/src/auth/session.repository.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { SecretBox } from '../apps/server/src/crypto/secret-box.js';
import { createDatabase, type Database } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import { buildApp } from '../apps/server/src/http/app.js';
import { createLogger } from '../apps/server/src/observability/logger.js';
import { ingestUsage } from '../apps/server/src/usage/usage.repository.js';
import { insertWorkspace } from '../apps/server/src/workspaces/workspace.repository.js';
import { dropDatabaseWhenIdle } from '../apps/server/test/pg-scratch.js';

const WORKSPACES = 200;
const SERVICES = ['endpoint_security', 'edr', 'email_security', 'secure_messages'] as const;
const DAYS = 30;
const BATCH = 5_000;

interface Target {
  readonly label: string;
  open(): Promise<{ database: Database; dispose: () => Promise<void> }>;
}

const sqliteTarget: Target = {
  label: 'SQLite',
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'coro-bench-'));
    const database = createDatabase({ driver: 'sqlite', file: join(dir, 'bench.sqlite') });
    return Promise.resolve({
      database,
      dispose: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
};

function postgresTarget(adminUrl: string): Target {
  return {
    label: 'PostgreSQL',
    open: async () => {
      const name = `coro_bench_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const database = createDatabase({ driver: 'postgres', url: url.toString(), poolSize: 5 });
      return {
        database,
        dispose: async () => {
          await database.close();
          await dropDatabaseWhenIdle(admin, name);
          await admin.end();
        },
      };
    },
  };
}

async function isReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function makeRecords(workspaceIds: readonly string[], firstDay: Date, devicesOffset = 0): UsageRecord[] {
  const records: UsageRecord[] = [];
  for (let d = 0; d < DAYS; d += 1) {
    const day = new Date(firstDay.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    workspaceIds.forEach((workspaceId, w) => {
      for (const serviceKey of SERVICES)
        records.push({ workspaceId, serviceKey, day, devices: 10 + w + d + devicesOffset, users: 5 + w });
    });
  }
  return records;
}

const rate = (count: number, ms: number): string =>
  `${Math.round((count / ms) * 1000).toLocaleString('en-US')} rec/s`;

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function benchTarget(target: Target): Promise<void> {
  const { database, dispose } = await target.open();
  try {
    await migrateToLatest(database.db, database.dialect);
    const now = new Date().toISOString();
    const channel = await insertWorkspace(
      database.db,
      { kind: 'channel', parentId: null, displayName: 'Bench MSP' },
      now,
    );
    const ids: string[] = [];
    for (let i = 0; i < WORKSPACES; i += 1) {
      ids.push(
        (
          await insertWorkspace(
            database.db,
            { kind: 'child', parentId: channel.id, displayName: `Customer ${i}`, status: 'Subscription' },
            now,
          )
        ).id,
      );
    }
    const clock = new Date();
    const at = (daysBack: number) =>
      new Date(
        Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate()) - daysBack * 86_400_000,
      );
    const batches = (records: UsageRecord[]) => {
      const result: UsageRecord[][] = [];
      for (let i = 0; i < records.length; i += BATCH) result.push(records.slice(i, i + BATCH));
      return result;
    };

    // Baseline: one upsert per row, one transaction.
    const baselineRecords = makeRecords(ids, at(400));
    const baselineMs = await timed(async () => {
      await database.db.transaction().execute(async (trx) => {
        for (const r of baselineRecords) {
          await trx
            .insertInto('usage_daily')
            .values({
              workspace_id: r.workspaceId,
              service_key: r.serviceKey,
              day: r.day,
              devices: r.devices,
              users: r.users,
              source: 'bench',
              updated_at: now,
            })
            .onConflict((oc) =>
              oc
                .columns(['workspace_id', 'service_key', 'day'])
                .doUpdateSet({ devices: r.devices, users: r.users }),
            )
            .execute();
        }
      });
    });

    const repoRecords = makeRecords(ids, at(300));
    const repoMs = await timed(async () => {
      for (const batch of batches(repoRecords))
        await ingestUsage(database.db, {
          channelId: channel.id,
          records: batch,
          actor: systemActor('bench'),
          source: 'bench',
          now: clock,
        });
    });
    const unchangedMs = await timed(async () => {
      for (const batch of batches(repoRecords))
        await ingestUsage(database.db, {
          channelId: channel.id,
          records: batch,
          actor: systemActor('bench'),
          source: 'bench',
          now: clock,
        });
    });
    const changed = makeRecords(ids, at(300), 1);
    const updateMs = await timed(async () => {
      for (const batch of batches(changed))
        await ingestUsage(database.db, {
          channelId: channel.id,
          records: batch,
          actor: systemActor('bench'),
          source: 'bench',
          now: clock,
        });
    });

    const config = {
      ...loadConfig({ MODE: 'test', LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent' }),
      webDistDir: '/nonexistent',
      bodyLimitBytes: 4 * 1024 * 1024,
    };
    const app = await buildApp(
      {
        config,
        database,
        logger: createLogger('silent'),
        clock: () => new Date(),
        secretBox: new SecretBox(config.encryptionKeys),
        psaProviders: {},
      },
      { webDistDir: null },
    );
    await app.ready();
    const { secret } = await createMachineToken(
      database.db,
      { channelId: channel.id, name: 'bench', scope: 'usage:write', createdBy: null },
      now,
    );
    const apiRecords = makeRecords(ids, at(200));
    const apiMs = await timed(async () => {
      for (const batch of batches(apiRecords)) {
        const response = await app.inject({
          method: 'PUT',
          url: `/api/channels/${channel.id}/usage`,
          headers: { authorization: `Bearer ${secret}` },
          payload: { records: batch },
        });
        if (response.statusCode !== 200)
          throw new Error(`API ingest failed: ${response.statusCode} ${response.body}`);
      }
    });
    await app.close();

    const n = repoRecords.length;
    console.log(
      `\n${target.label}: ${n.toLocaleString('en-US')} records (${WORKSPACES} workspaces × ${SERVICES.length} services × ${DAYS} days), batches of ${BATCH}`,
    );
    console.log(
      `  baseline, one upsert per row      ${rate(n, baselineMs).padStart(14)}  (${Math.round(baselineMs)} ms)`,
    );
    console.log(
      `  repository ingest, new rows       ${rate(n, repoMs).padStart(14)}  (${Math.round(repoMs)} ms, ×${(baselineMs / repoMs).toFixed(1)} vs baseline)`,
    );
    console.log(
      `  repository ingest, all unchanged  ${rate(n, unchangedMs).padStart(14)}  (${Math.round(unchangedMs)} ms)`,
    );
    console.log(
      `  repository ingest, all changed    ${rate(n, updateMs).padStart(14)}  (${Math.round(updateMs)} ms, with revisions)`,
    );
    console.log(
      `  HTTP API PUT (token), new rows    ${rate(n, apiMs).padStart(14)}  (${Math.round(apiMs)} ms, ×${(baselineMs / apiMs).toFixed(1)} vs baseline)`,
    );
  } finally {
    await dispose();
  }
}

const targets: Target[] = [sqliteTarget];
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
if (await isReachable(pgUrl)) targets.push(postgresTarget(pgUrl));
else console.log(`PostgreSQL not reachable at ${pgUrl.replace(/\/\/[^@]*@/, '//***@')}: SQLite only.`);
for (const target of targets) await benchTarget(target);
