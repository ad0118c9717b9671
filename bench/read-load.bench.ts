/**
 * Read load on one server process (issue 12: 200 requests/s with p99 < 100 ms, 0 errors): the
 * connector list, a workspace-mapping page of 50 and a company search in turn, at a fixed rate
 * (open loop: each request is sent on schedule whatever the previous ones did, and its latency
 * counts from its scheduled time, so a stalled server is not hidden), on a channel with 5,000
 * child workspaces and 5,001 Autotask companies. The load comes from a worker thread (its own
 * event loop) over loopback HTTP with keep-alive; the server runs the real app (sessions, RBAC,
 * validation, serialisation, request logging at `info` to /dev/null).
 *
 * Meanwhile syncs run back to back in the same process (BENCH_SYNC_W workspaces × 4 services,
 * 10 % changed, against the Autotask sandbox at 150 ms per call), as issue 12 asks. Rates are
 * stepped up; the highest one holding p99 < 100 ms with no errors is reported, with the largest
 * event-loop delay seen at each rate.
 *
 * Before the rates, one sync runs alone (the first, with its writes) and then its CSV export is
 * downloaded, each with the loop's largest delay and its stalls > 50 ms (issue 12: nothing blocks
 * the loop for more than 50 ms while serving the console or running a sync). The Autotask sandbox
 * runs in its own process: in production Autotask is another server, so its work (building pages
 * of JSON) must not count as ours; the figures are our server's alone (before 2026-12-04 the
 * sandbox ran in this process).
 *
 *   npx tsx bench/read-load.bench.ts        (or: npm run bench read-load)
 *   BENCH_W=5000 BENCH_COMPANIES=5001 BENCH_RATES=50,100,200,400,800 BENCH_SECONDS=5
 *   BENCH_RATES= (empty): the sync alone and its CSV only
 *
 * Figures are printed, never asserted. Measured 2026-12-04 (SQLite, 2 cores shared with other
 * work; issue 12 had p99 0.6–17.8 s at 200/s during a sync, 952 ms with none), p50 / p99 / errors
 * / loop-delay max, syncs of 1,000 × 4 running: 50/s 7.1 / 121 ms / 0 / 140 ms (the sync's start
 * still blocks the loop > 50 ms), 100/s 4.9 / 40 ms / 0 / 29 ms, 200/s 5.5 / 42 ms / 0 / 39 ms,
 * 400/s 145 ms / 4.0 s / 0, 800/s 1,839 timeouts: highest rate holding p99 < 100 ms: 200/s.
 * With BENCH_SYNC_W=0: 200/s p99 39 ms, 400/s p99 56 ms (highest 400/s). (Sandbox in process.)
 *
 * 2026-12-04, sandbox out of process, before → after the sync persists and confirms 250 lines per
 * turn of the loop, plans in a turn of its own, and the CSV export turns the loop before each page
 * (same 2 shared cores, load average 2–10 from other work: each stall also says how much CPU this
 * process used, so a gap where the OS ran someone else shows as such):
 *   one sync alone, 1,000 × 4: 2 stalls per run with > 50 ms of our CPU, 109–135 ms each (once per
 *     chunk of 500 companies: plan, ids, 2,000 inserts, confirmations in one turn; 7 runs: longest
 *     stall 78–395 ms)
 *     → none over 50 ms of CPU in 6 runs (largest 41 ms of CPU; on a quiet machine the longest
 *     stall was 20–25 ms in 3 runs; under load a few 50–132 ms gaps with 0–41 ms of our CPU);
 *   its CSV export, 4,000 lines: 1 stall of 57–257 ms (68–90 ms of CPU) → none over 50 ms of CPU
 *     (longest 21–46 ms, ≤ 28 ms of CPU);
 *   rates, same hour, load average 1.9 → 2.6: 50/s p99 90 → 25–36 ms, loop max 114 → 36–41 ms;
 *     100/s 116 → 63 ms (once 294 ms), loop max 132 → 50–123 ms; 200/s 118 → 38 ms (once
 *     405 ms: the machine's other work; with no sync at all 400/s failed then too). At load average
 *     5–10 neither version held 50/s. JSON pages of the Autotask client are no blocker: the largest
 *     (500 companies, 653 KiB) parses in 1.3 ms.
 *
 * 2026-12-04, a quiet machine (a fresh one, nothing else running), four runs: two at ae51343 and
 * two after this stop's per-request savings (security headers computed once, hot lookups compiled
 * once). One sync alone, 1,000 × 4: loop delay max 30.3 / 32.5 ms, no stall over 50 ms; its CSV
 * export: max 28.9–35.6 ms, none over 50 ms. Rates, p99 (ae51343 → after), 0 errors in every row,
 * syncs of 1,000 × 4 running meanwhile, loop delay ≤ 44 ms: 50/s 19.5 → 15.8 ms, 100/s 16.4 → 16.5,
 * 200/s 12.9 → 14.1, 400/s 15.8 → 15.3 and 19.5, 800/s 30.6 → 30.9 and 54.6, 1,000/s → 45.6,
 * 1,200/s → 57.2. Highest rate holding p99 < 100 ms: 800/s in both default runs (the highest they
 * try), 1,200/s in the run after the savings that tried more. In the other run at ae51343, 800/s
 * tried first with no lower rate before it gave p99 1.2 s (1,200/s 173 ms, 1,600/s 4.4 s): a cold
 * start of the load, not seen in the runs that warm up at lower rates.
 */
import { endpointPath, endpoints, endpointUrl } from '@coro/contracts';
import { type Kysely } from 'kysely';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { grantRole } from '../apps/server/src/auth/user.repository.js';
import { createDatabase, type Database } from '../apps/server/src/db/database.js';
import { newId } from '../apps/server/src/db/ids.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import type { DB } from '../apps/server/src/db/schema.js';
import { defaultBillingPolicy } from '../apps/server/src/domain/billing-policy.js';
import { createAutotaskProvider } from '../apps/server/src/integrations/autotask/index.js';
import { executeSync, type SyncRunSummary } from '../apps/server/src/sync/sync.executor.js';
import { putSyncSettings } from '../apps/server/src/sync/sync-settings.repository.js';
import {
  psaCompanyRow,
  seedChannel,
  seedConnectorRow,
  seedMappedService,
  workspaceMappingRow,
} from '../apps/server/test/connector.fixtures.js';
import { percentile, seedScaleChannel, startScaleApp } from './scale-app.js';

const W = Number(process.env.BENCH_W ?? 5000);
const companyCount = Number(process.env.BENCH_COMPANIES ?? 5001);
// BENCH_RATES= (empty) measures the one sync alone and stops.
const rates = (process.env.BENCH_RATES ?? '50,100,200,400,800')
  .split(',')
  .map(Number)
  .filter((rate) => rate > 0);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const timeoutMs = 5000;
// The sync that runs meanwhile (as in sync.bench.ts): its own channel of syncW workspaces × 4
// services, 10 % changed, 150 ms per Autotask call. BENCH_SYNC_W=0 measures without it.
const syncW = Number(process.env.BENCH_SYNC_W ?? 1000);
const syncServices = ['Coro Endpoint Security', 'Coro EDR', 'Coro Email Security', 'Coro Cloud Security'];
const syncKeys = ['endpoint_security', 'edr', 'email_security', 'cloud_security'];
const tenantZone = 'America/New_York';
const sandboxBin = fileURLToPath(
  new URL('../packages/autotask-sandbox/bin/autotask-sandbox.mjs', import.meta.url),
);

/**
 * The Autotask sandbox in its own process, as Autotask is another server in production: its work
 * (building pages of JSON, the 150 ms timers) must not count as our event loop's.
 */
interface Sandbox {
  readonly url: string;
  readonly apiUser: { username: string; secret: string; integrationCode: string };
  unitsOn(contractId: number, serviceId: number, date: string): Promise<number | null>;
  close(): Promise<void>;
}

async function startSandboxProcess(): Promise<Sandbox> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      sandboxBin,
      ...['--port', '0', '--seed', `scale:${syncW}`, '--latency-ms', '150'],
      ...['--hourly-threshold', '100000000', '--time-zone', tenantZone],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`autotask-sandbox exited (${code})`)));
  });
  const started = JSON.parse(line) as {
    url: string;
    username: string;
    secret: string;
    integrationCode: string;
  };
  const { url } = started;
  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${url}/_sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // No usage-tier slowdown: the bench measures our server, not the tenant's budget.
  await admin('PUT', 'limits', { latencyTierScale: 0 });
  return {
    url,
    apiUser: { username: started.username, secret: started.secret, integrationCode: started.integrationCode },
    unitsOn: async (contractId, serviceId, date) => {
      const response = await admin(
        'GET',
        `units?contractId=${contractId}&serviceId=${serviceId}&date=${date}`,
      );
      return ((await response.json()) as { units: number | null }).units;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A second channel whose connector has work for a sync: mapped, with usage that differs. */
async function seedSync(
  db: Kysely<DB>,
  sb: Sandbox,
  now: string,
): Promise<{ channelId: string; connectorId: string }> {
  const { channelId } = await seedChannel(db, 'Bench MSP (sync)');
  const connectorId = await seedConnectorRow(db, channelId, { now });
  const provider = createAutotaskProvider({ discoveryBaseUrl: `${sb.url}/ATServicesRest/` });
  const conn = provider.connect(sb.apiUser, { connectorId: 'bench-setup' });
  const services = await conn.listServices();
  if (!services.ok) throw new Error(services.error.message);
  const serviceIds = syncServices.map((name) => services.value.find((s) => s.name === name)?.id ?? '');
  await conn.close();
  await provider.close();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: tenantZone }).format(new Date());
  for (const [i, serviceKey] of syncKeys.entries()) {
    const psaServiceId = serviceIds[i] ?? '';
    await seedMappedService(db, { connectorId, psaServiceId, name: syncServices[i] ?? '', serviceKey, now });
  }
  for (let w = 0; w < syncW; w += 1) {
    const id = newId();
    await db
      .insertInto('workspaces')
      .values({
        id,
        kind: 'child',
        parent_id: channelId,
        display_name: `Customer ${String(w).padStart(5, '0')}`,
        company_name: null,
        status: 'Subscription',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const psaId = String(174 + w);
    await db
      .insertInto('psa_companies')
      .values(psaCompanyRow({ connectorId, psaId, name: `Company ${w}`, now }))
      .execute();
    await db
      .insertInto('workspace_mappings')
      .values(workspaceMappingRow({ connectorId, workspaceId: id, psaCompanyId: psaId, now }))
      .execute();
    for (const [s, key] of syncKeys.entries()) {
      const current = (await sb.unitsOn(1001 + w, Number(serviceIds[s]), today)) ?? 0;
      const isChanged = (w * syncKeys.length + s) % 10 === 0;
      await db
        .insertInto('usage_daily')
        .values({
          workspace_id: id,
          service_key: key,
          day: today,
          devices: isChanged ? current + 1 + (w % 7) : current,
          users: 0,
          source: 'bench',
          updated_at: now,
        })
        .execute();
    }
  }
  await putSyncSettings(
    db,
    connectorId,
    {
      policy: {
        ...defaultBillingPolicy,
        timeZone: tenantZone,
        guardrails: { maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: null },
      },
      isScheduleEnabled: false,
      scheduleTime: '06:00',
    },
    'bench',
    now,
  );
  // The bench's signed-in admin may export this channel's runs too.
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'bench@example.test')
    .executeTakeFirstOrThrow();
  await grantRole(db, user.id, channelId, 'msp_admin', now);
  return { channelId, connectorId };
}

// The load generator, in its own thread so its schedule does not wait on the server's loop.
const loadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, cookie, rate, seconds, timeoutMs } = workerData;
const latencies = [];
let errors = 0;
const inFlight = [];
const started = performance.now();
const total = Math.round(rate * seconds);
let sent = 0;
const tick = () => {
  const now = performance.now();
  while (sent < total && started + (sent * 1000) / rate <= now) {
    const scheduled = started + (sent * 1000) / rate;
    const url = urls[sent % urls.length];
    sent += 1;
    inFlight.push(
      fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(timeoutMs) })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) errors += 1;
          else latencies.push(performance.now() - scheduled);
        })
        .catch(() => { errors += 1; }),
    );
  }
  if (sent < total) setTimeout(tick, 1);
  else Promise.all(inFlight).then(() => parentPort.postMessage({ latencies, errors }));
};
tick();
`;

function runLoad(
  urls: string[],
  cookie: string,
  rate: number,
): Promise<{ latencies: number[]; errors: number }> {
  const worker = new Worker(loadSource, {
    eval: true,
    workerData: { urls, cookie, rate, seconds, timeoutMs },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: { latencies: number[]; errors: number }) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

interface Stall {
  readonly ms: number;
  /** CPU this process used meanwhile: far below `ms` when the OS ran other work instead (shared cores). */
  readonly cpuMs: number;
}

/** Every gap in a 5 ms timer's ticks beyond its period (> 20 ms): how long the loop was held each time. */
function watchStalls(): { stop(): Stall[] } {
  const seen: Stall[] = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const t = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    if (t - last - 5 > 20) seen.push({ ms: t - last - 5, cpuMs: (cpu.user + cpu.system) / 1000 });
    last = t;
    lastCpu = process.cpuUsage();
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return seen;
    },
  };
}

/** "N stalls > 50 ms (M with > 50 ms of CPU), longest a (cpu b), … ms" */
function describeStalls(seen: Stall[]): string {
  const over = seen.filter((s) => s.ms > 50);
  const longest = [...seen]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 4)
    .map((s) => `${s.ms.toFixed(0)} (cpu ${s.cpuMs.toFixed(0)})`);
  return `${over.length} stalls > 50 ms (${over.filter((s) => s.cpuMs > 50).length} with > 50 ms of CPU), longest ${longest.join(', ') || '–'} ms`;
}

const f = (value: number): string => `${value.toFixed(1)} ms`.padStart(11);

async function bench(label: string, database: Database): Promise<void> {
  const db = database.db;
  await migrateToLatest(db as Kysely<unknown>, database.dialect);
  const now = new Date().toISOString();
  const { channelId, connectorId } = await seedScaleChannel(db, now, {
    workspaces: W,
    companies: companyCount,
    isThirdMapped: true,
  });
  const { app, cookie } = await startScaleApp(database, channelId, now);
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const sb = syncW > 0 ? await startSandboxProcess() : null;
  const syncChannel = sb ? await seedSync(db, sb, now) : null;
  const syncConnectorId = syncChannel?.connectorId ?? null;
  const ids = { channelId, connectorId };
  const urls = [
    origin + endpointUrl(endpoints.connectors.list, { params: { channelId } }),
    origin + endpointUrl(endpoints.mappings.workspaces, { params: ids, query: { limit: 50 } }),
    origin + endpointUrl(endpoints.lookups.companies, { params: ids, query: { q: 'acme', limit: 25 } }),
  ];
  console.log(
    `\n[${label}] ${W.toLocaleString('en-US')} workspaces × ${companyCount.toLocaleString('en-US')} companies; connector list, mapping page of 50, company search in turn; ${seconds} s per rate; ${syncW > 0 ? `syncs of ${syncW} × 4 lines (150 ms per call) running` : 'no sync running'}`,
  );
  // Syncs in this process: one alone first (the first, with its writes), then back to back while
  // the rates run (a repeat finds little to write, so the loop sees a sync's start every second).
  let syncs = 0;
  const load = { isRunning: true };
  const provider = sb ? createAutotaskProvider({ discoveryBaseUrl: `${sb.url}/ATServicesRest/` }) : null;
  const runSync = async (): Promise<SyncRunSummary | null> => {
    if (!sb || !provider || !syncConnectorId) return null;
    const summary = await executeSync(
      {
        db,
        clock: () => new Date(),
        openConnection: (connectorId, onCall) =>
          Promise.resolve(provider.connect(sb.apiUser, { connectorId, onCall })),
      },
      { connectorId: syncConnectorId, mode: 'apply', trigger: 'cli' },
    );
    syncs += 1;
    return summary;
  };
  if (sb) {
    const stalls = watchStalls();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const startedMs = performance.now();
    const summary = await runSync();
    const wallMs = performance.now() - startedMs;
    loopDelay.disable();
    const seen = stalls.stop();
    console.log(
      `  one sync alone (${syncW.toLocaleString('en-US')} × 4, ${summary?.status}, ${summary?.counters.adjusted} adjusted, ${(wallMs / 1000).toFixed(1)} s): loop delay max ${(loopDelay.max / 1e6).toFixed(1)} ms, ${describeStalls(seen)}`,
    );
    // The run's CSV export over HTTP (the client's side of the download runs on this loop too).
    if (summary && syncChannel) {
      const csvUrl = `${origin}${endpointPath(endpoints.sync.exportCsv, { ...syncChannel, runId: summary.runId })}`;
      const csvStalls = watchStalls();
      const csvDelay = monitorEventLoopDelay({ resolution: 10 });
      csvDelay.enable();
      const csvStartedMs = performance.now();
      const response = await fetch(csvUrl, { headers: { cookie } });
      const text = await response.text();
      const csvMs = performance.now() - csvStartedMs;
      csvDelay.disable();
      const csvSeen = csvStalls.stop();
      console.log(
        `  its CSV export (${response.status}, ${(text.split('\r\n').length - 2).toLocaleString('en-US')} lines, ${csvMs.toFixed(0)} ms): loop delay max ${(csvDelay.max / 1e6).toFixed(1)} ms, ${describeStalls(csvSeen)}`,
      );
    }
  }
  if (rates.length === 0) {
    await provider?.close();
    await sb?.close();
    await app.close();
    return;
  }
  console.log(
    `  ${'rate'.padEnd(12)} ${'sent'.padStart(6)} ${'p50'.padStart(11)} ${'p99'.padStart(11)} ${'max'.padStart(11)} ${'errors'.padStart(7)} ${'loop delay max'.padStart(14)}`,
  );
  await runLoad(urls, cookie, 50); // warm-up: JIT, statement cache, keep-alive sockets
  const syncLoop = (async () => {
    while (load.isRunning && sb) await runSync();
  })();
  await new Promise((resolve) => setTimeout(resolve, sb ? 2000 : 0)); // the sync under way
  let highest = 0;
  for (const rate of rates) {
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const { latencies, errors } = await runLoad(urls, cookie, rate);
    loopDelay.disable();
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    if (p99 < 100 && errors === 0) highest = rate;
    console.log(
      `  ${`${rate}/s`.padEnd(12)} ${String(latencies.length + errors).padStart(6)} ${f(percentile(latencies, 50))} ${f(p99)} ${f(latencies.at(-1) ?? NaN)} ${String(errors).padStart(7)} ${f(loopDelay.max / 1e6).padStart(14)}`,
    );
  }
  console.log(
    `  highest rate with p99 < 100 ms and no errors: ${highest > 0 ? `${highest}/s` : 'none of those tried'}`,
  );
  load.isRunning = false;
  await syncLoop;
  console.log(`  syncs completed meanwhile: ${syncs}`);
  await provider?.close();
  await sb?.close();
  await app.close();
}

const dir = mkdtempSync(join(tmpdir(), 'coro-bench-'));
const sqlite = createDatabase({ driver: 'sqlite', file: join(dir, 'bench.sqlite') });
try {
  await bench('sqlite', sqlite);
} finally {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}
