/**
 * A fleet per worker (issue 12): N connectors, each its own Autotask tenant database (W workspaces,
 * S services, 10 % of the lines changed) in one multi-tenant sandbox at 150 ms per call, all
 * queued at once as "Sync now" and worked by the product's own processes (`coro-psa serve` on
 * SQLite, `coro-psa worker` on PostgreSQL with pg-boss, SYNC_CONCURRENCY each). Prints connector
 * syncs per minute, the time for all N, each worker's peak RSS (getrusage, max-rss.preload.mjs),
 * the scaling with 1, 2 and 4 workers on PostgreSQL, and checks every tenant converged once with
 * no 429 and never more than 3 requests in flight on one endpoint.
 *
 *   npx tsx bench/fleet.bench.ts     FLEET_N=1000 FLEET_W=20 FLEET_S=4 FLEET_CONCURRENCY=50
 *                                    FLEET_WORKERS=1,2,4 FLEET_PARTS=sqlite,postgres
 *   quick: FLEET_N=100 FLEET_WORKERS=1,2
 *
 * Goal: all 1,000 within 15 min on one worker, RSS ≤ 300 MB; ≥ 1.8× with two workers.
 *
 * Measured 2026-12-04 (2 cores shared with other sessions, load average 5–9; sandbox in the bench
 * process; every run: 1,000 succeeded, 13.0 calls per sync, max 3 in flight per tenant, 0 × 429,
 * 0 convergence problems):
 *
 *   SYNC_CONCURRENCY=50     span s   syncs/min   × 1    peak RSS MB (each)
 *   sqlite, serve ×1          55.0       1,091    —     184
 *   postgres, worker ×1      100.0         600   1.00   159
 *   postgres, worker ×2      104.9         572   0.95   167, 158
 *   postgres, worker ×4      158.9         378   0.63   168, 164, 165, 162
 *
 *   SYNC_CONCURRENCY=10     span s   syncs/min   × 1    peak RSS MB   worker CPU s   sandbox CPU s
 *   postgres, worker ×1      206.4         291   1.00   168           48             23
 *   postgres, worker ×2      125.2         479   1.65   143, 141      26, 26         18
 *
 * So one worker does all 1,000 in 1.7 min (50 slots) or 3.4 min (10, the default), far inside
 * 15 min, at ≤ 184 MB. At 10 slots a worker is bound by its slots (a sync ≈ 2 s of waiting on
 * Autotask) and a second worker gives 1.65×; at 50 slots a worker is bound by CPU (~48 ms per sync
 * in the worker, plus PostgreSQL and the sandbox) and more workers on this saturated 2-core machine
 * only add contention (0.95×, 0.63×). The ≥ 1.8× goal needs cores a second worker can use.
 *
 * 2026-12-04, later: the 10-slot ceiling above was pg-boss's, not ours. pg-boss 10 waits out its
 * polling interval (2 s) after every fetch, even one that found a job, so a slot ran at most one
 * sync per 2 s: 10 slots ≤ 300 syncs/min, and 291 was measured. A slot that finishes a job now
 * fetches the next at once (pg-boss-queue.ts). Same bench, N = 1,000, SYNC_CONCURRENCY=10, load
 * average 2–5 from other sessions before it started:
 *
 *   SYNC_CONCURRENCY=10     span s   syncs/min   × 1    peak RSS MB (each)   worker CPU s   sandbox CPU s
 *   postgres, worker ×1      128.1         468   1.00   157                  47             24
 *   postgres, worker ×2       81.8         733   1.57   139, 145             24, 24         17
 *
 * One worker: 291 → 468 syncs/min (all 1,000 in 2.1 min). CPU per sync stays 47–48 ms in total
 * whether one or two workers share the fleet, so the workers add no overhead of their own; the
 * second one's 1.57× is what this shared 2-core machine (sandbox and PostgreSQL on it too) gives.
 *
 * 2026-12-04, a quiet machine (a fresh one, load average 0.4 before the first run, nothing else
 * on it), same bench and settings (N = 1,000, SYNC_CONCURRENCY=10, FLEET_WORKERS=1,2,4), two runs:
 *
 *   SYNC_CONCURRENCY=10     span s        syncs/min      × 1         peak RSS MB (max)   worker CPU s (each)   sandbox CPU s
 *   postgres, worker ×1     114.6, 114.3    524, 525     1.00        165, 141            26, 28                11, 12
 *   postgres, worker ×2      60.0, 59.9   1,001, 1,001   1.91, 1.91  137, 160            14, 14                 9, 9
 *   postgres, worker ×4      44.7, 46.2   1,342, 1,300   2.56, 2.48  141, 141            8, 9                   9, 9
 *
 * Every run: 1,000 succeeded, 13.0 calls per sync, max 3 in flight per tenant, 0 × 429, 0
 * convergence problems. With cores free, two workers give 1.91× (goal ≥ 1.8×), four ~2.5× (the
 * 2 cores are then the limit: 4 × 8–9 s of worker CPU plus PostgreSQL and the sandbox in 45 s).
 * A sync costs a worker 26–36 ms of CPU here; the 47 ms above was the same work on a contended CPU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startSandbox, type Sandbox } from 'autotask-sandbox';

import { buildServer } from '../apps/server/scripts/build.mjs';

import { parseKeyRing, SecretBox } from '../apps/server/src/crypto/secret-box.js';
import { createDatabase, type Database } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import { jobCatalog, type AppJobQueue } from '../apps/server/src/jobs/job-catalog.js';
import { LocalQueue } from '../apps/server/src/jobs/local/local-queue.js';
import { PgBossQueue } from '../apps/server/src/jobs/pgboss/pg-boss-queue.js';
import { requestSyncNow } from '../apps/server/src/jobs/sync-now.js';
import { fleetProblems, fleetTimeZone, seedFleet } from '../apps/server/test/fleet.fixtures.js';
import { dropDatabaseWhenIdle } from '../apps/server/test/pg-scratch.js';

const N = Number(process.env.FLEET_N ?? 1000);
const W = Number(process.env.FLEET_W ?? 20);
const S = Number(process.env.FLEET_S ?? 4);
const concurrency = Number(process.env.FLEET_CONCURRENCY ?? 50);
const workerCounts = (process.env.FLEET_WORKERS ?? '1,2,4').split(',').map(Number);
const parts = new Set((process.env.FLEET_PARTS ?? 'sqlite,postgres').split(','));
const latencyMs = 150;
const cliPath = fileURLToPath(new URL('../apps/server/bin/coro-psa.mjs', import.meta.url));
const maxRssPreload = fileURLToPath(new URL('./max-rss.preload.mjs', import.meta.url));
const benchKeys = `bench:${Buffer.alloc(32, 7).toString('base64')}`;
const keyRing = (() => {
  const ring = parseKeyRing(benchKeys);
  if (!ring.ok) throw new Error(ring.error);
  return ring.value;
})();
const today = new Intl.DateTimeFormat('en-CA', { timeZone: fleetTimeZone }).format(new Date());

interface Target {
  readonly dialect: 'sqlite' | 'postgres';
  readonly database: Database;
  /** Environment the worker processes get to open the same database. */
  readonly env: Record<string, string>;
  readonly queue: () => AppJobQueue;
  readonly close: () => Promise<void>;
}

interface Result {
  readonly label: string;
  readonly workers: number;
  readonly wallS: number;
  readonly spanS: number;
  readonly perMinute: number;
  readonly peakRssMb: number[];
  /** CPU seconds of each worker process, and of this process (the sandbox, polling) meanwhile. */
  readonly workerCpuS: number[];
  readonly sandboxCpuS: number;
  readonly statuses: string;
  readonly maxInFlight: number;
  readonly rejected429: number;
  readonly requests: number;
  readonly problems: number;
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'coro-fleet-'));
  // The file name `coro-psa` uses in DATA_DIR.
  const database = createDatabase({ driver: 'sqlite', file: join(dir, 'coro.sqlite') });
  await migrateToLatest(database.db, 'sqlite');
  return {
    dialect: 'sqlite',
    database,
    env: { DATA_DIR: dir },
    queue: () => new LocalQueue({ database, catalog: jobCatalog }),
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(admin: pg.Client, adminUrl: string, suffix: string): Promise<Target> {
  const name = `coro_fleet_${process.pid}_${suffix}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = createDatabase({ driver: 'postgres', url: url.toString(), poolSize: 5 });
  await migrateToLatest(database.db, 'postgres');
  return {
    dialect: 'postgres',
    database,
    env: { DATABASE_URL: url.toString() },
    queue: () => new PgBossQueue({ connectionString: url.toString(), catalog: jobCatalog, poolSize: 2 }),
    close: async () => {
      await database.close();
      await dropDatabaseWhenIdle(admin, name);
    },
  };
}

interface WorkerExit {
  readonly peakRssMb: number;
  readonly cpuS: number;
}

function startWorker(target: Target, sandbox: Sandbox): { child: ChildProcess; exit: Promise<WorkerExit> } {
  const child = spawn(
    process.execPath,
    ['--import', maxRssPreload, cliPath, target.dialect === 'sqlite' ? 'serve' : 'worker'],
    {
      env: {
        ...process.env,
        ...target.env,
        MODE: 'test',
        PORT: '0',
        ENCRYPTION_KEYS: benchKeys,
        AUTOTASK_DISCOVERY_URL: `${sandbox.url}/ATServicesRest/`,
        AUTOTASK_INTEGRATION_CODE: sandbox.apiUser.integrationCode,
        SYNC_CONCURRENCY: String(concurrency),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (process.env.FLEET_ECHO) process.stderr.write(d);
  });
  const exit = new Promise<WorkerExit>((resolve, reject) => {
    child.on('exit', () => {
      const rss = /max-rss-mb (\d+)/.exec(err);
      const cpu = /cpu-s ([\d.]+)/.exec(err);
      if (rss && cpu) resolve({ peakRssMb: Number(rss[1]), cpuS: Number(cpu[1]) });
      else reject(new Error(`worker printed no max RSS: ${err.slice(-2000)}`));
    });
  });
  return { child, exit };
}

async function runFleet(target: Target, workers: number): Promise<Result> {
  const label = `${target.dialect} ×${workers}`;
  const sandbox = await startSandbox({
    port: 0,
    seed: 'empty',
    latencyMs,
    latencyTierScale: 0,
    tenantTimeZone: fleetTimeZone,
  });
  try {
    const seedStarted = performance.now();
    const fleet = await seedFleet(
      target.database.db,
      sandbox,
      new SecretBox(keyRing),
      {
        tenants: N,
        connectorsPerTenant: 1,
        workspaces: W,
        services: S,
        changeEvery: 10,
        integrationCode: sandbox.apiUser.integrationCode,
      },
      today,
    );
    const queue = target.queue();
    const runIds: string[] = [];
    for (const c of fleet)
      runIds.push((await requestSyncNow(target.database.db, queue, c.connectorId)).runId ?? '');
    await queue.stop({ graceful: false });
    console.error(
      `[${label}] seeded and queued ${N} in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`,
    );

    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const procs = Array.from({ length: workers }, () => startWorker(target, sandbox));
    const db = target.database.db;
    let finished = 0;
    while (finished < N) {
      await new Promise((r) => setTimeout(r, 1000));
      const row = await db
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('status', 'in', ['succeeded', 'partial', 'failed'])
        .executeTakeFirstOrThrow();
      finished = Number(row.n); // pg counts are strings (bigint)
      if (process.env.FLEET_ECHO) console.error(`[${label}] ${finished}/${N}`);
    }
    const wallS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    for (const p of procs) p.child.kill('SIGTERM');
    const exits = await Promise.all(procs.map((p) => p.exit));

    const runs = await db
      .selectFrom('sync_runs')
      .select(['status', 'started_at', 'finished_at'])
      .where('id', 'in', runIds)
      .execute();
    const first = Math.min(...runs.map((r) => Date.parse(r.started_at ?? '')));
    const last = Math.max(...runs.map((r) => Date.parse(r.finished_at ?? '')));
    const spanS = (last - first) / 1000;
    const byStatus = new Map<string, number>();
    for (const r of runs) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const tenants = sandbox.admin.tenants().filter((t) => t.id !== 'default');
    return {
      label,
      workers,
      wallS,
      spanS,
      perMinute: (N / spanS) * 60,
      peakRssMb: exits.map((e) => e.peakRssMb),
      workerCpuS: exits.map((e) => e.cpuS),
      sandboxCpuS: (cpu.user + cpu.system) / 1e6,
      statuses: [...byStatus].map(([s, n]) => `${s} ${n}`).join(', '),
      maxInFlight: Math.max(...tenants.map((t) => t.maxInFlight)),
      rejected429: tenants.reduce((sum, t) => sum + t.rejected429, 0),
      requests: tenants.reduce((sum, t) => sum + t.requests, 0),
      problems: fleet.flatMap((c) => fleetProblems(sandbox, c, today)).length,
    };
  } finally {
    await sandbox.close();
  }
}

function print(results: readonly Result[]): void {
  const base = results.find((r) => r.label === 'postgres ×1');
  console.log(
    `\nfleet: ${N} connectors × W=${W} × S=${S}, 10 % changed, ${latencyMs} ms per call, SYNC_CONCURRENCY=${concurrency}`,
  );
  console.log(
    [
      'run',
      'wall s',
      'span s',
      'syncs/min',
      '× 1 worker',
      'peak RSS MB (each)',
      'worker CPU s (each)',
      'sandbox CPU s',
      'runs',
      'max in flight',
      '429',
      'calls/sync',
      'problems',
    ].join(' | '),
  );
  for (const r of results) {
    const scale = base && r.label.startsWith('postgres') ? (r.perMinute / base.perMinute).toFixed(2) : '—';
    console.log(
      [
        r.label,
        r.wallS.toFixed(1),
        r.spanS.toFixed(1),
        r.perMinute.toFixed(0),
        scale,
        r.peakRssMb.join(', '),
        r.workerCpuS.map((c) => c.toFixed(0)).join(', '),
        r.sandboxCpuS.toFixed(0),
        r.statuses,
        String(r.maxInFlight),
        String(r.rejected429),
        (r.requests / N).toFixed(1),
        String(r.problems),
      ].join(' | '),
    );
  }
}

async function main(): Promise<void> {
  // The workers run the bundle (as bin/coro-psa.mjs does in production) only when it is current.
  await buildServer();
  const results: Result[] = [];
  if (parts.has('sqlite')) {
    const target = await sqliteTarget();
    try {
      results.push(await runFleet(target, 1));
    } finally {
      await target.close();
    }
  }
  if (parts.has('postgres')) {
    const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
    } catch (error) {
      console.log(
        `\n[postgres] skipped: ${adminUrl.replace(/\/\/[^@]*@/, '//***@')} does not answer (${String(error)})`,
      );
      print(results);
      return;
    }
    try {
      for (const workers of workerCounts) {
        const target = await postgresTarget(admin, adminUrl, String(workers));
        try {
          results.push(await runFleet(target, workers));
        } finally {
          await target.close();
        }
      }
    } finally {
      await admin.end();
    }
  }
  print(results);
}

await main();
