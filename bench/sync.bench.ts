/**
 * The daily billing sync at scale: Autotask calls, wall time and peak RSS of one apply run for
 * W workspaces × S services with 10 % of the lines changed, on the sandbox with 150 ms per call,
 * beside the lower bound ceil(W/500) + 2·ceil(W·S/500) reads + one write per changed line, and
 * beside a naive per-line sync measured in the same run (on a sample, extrapolated). Then peak RSS
 * for W = 10,000 (first sync and re-sync). Each sync runs in its own process so RSS is the sync's
 * alone, bundled the way bin/coro-psa.mjs runs the product; the W = 10,000 runs are repeated from
 * the TypeScript sources through tsx, the development runtime, for comparison.
 *
 *   npx tsx bench/sync.bench.ts            BENCH_W=2000 BENCH_BIG_W=10000 BENCH_NAIVE_W=100
 *                                          BENCH_PARTS=timed,big (default both)
 *
 * Targets: calls ≤ 1.1 × lower bound; wall ≤ 1.2 × calls × 0.15 s / 3; RSS ≤ 250 MB. Printed, not asserted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startSandbox } from 'autotask-sandbox';
import { build } from 'esbuild';

import { buildServer, bundledEntry, serverBundleOptions } from '../apps/server/scripts/build.mjs';

import { connectorSecretAad } from '../apps/server/src/connectors/connector.service.js';
import { parseKeyRing, SecretBox } from '../apps/server/src/crypto/secret-box.js';
import { createDatabase } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import { seedChannel, seedConnectorRow, seedMappedService } from '../apps/server/test/connector.fixtures.js';
import { insertBenchChannel } from './sync-bench-seed.js';

const W = Number(process.env.BENCH_W ?? 2000);
const bigW = Number(process.env.BENCH_BIG_W ?? 10_000);
const naiveW = Number(process.env.BENCH_NAIVE_W ?? 100);
const parts = new Set((process.env.BENCH_PARTS ?? 'timed,big').split(','));
const S = 6;
const latencyMs = 150;
const changedShare = 0.1;
const tenantZone = 'America/New_York';
const serviceNames = [
  'Coro Endpoint Security',
  'Coro EDR',
  'Coro Email Security',
  'Coro Cloud Security',
  'Coro Secure Messages',
  'Coro MDM',
];
const serviceKeys = [
  'endpoint_security',
  'edr',
  'email_security',
  'cloud_security',
  'secure_messages',
  'mobile_device_management',
];
const childPath = fileURLToPath(new URL('./sync-bench.child.ts', import.meta.url));
const cliPath = fileURLToPath(new URL('../apps/server/bin/coro-psa.mjs', import.meta.url));
const maxRssPreload = fileURLToPath(new URL('./max-rss.preload.mjs', import.meta.url));
const benchKeys = `bench:${Buffer.alloc(32, 7).toString('base64')}`;
const benchKeyRing = (() => {
  const ring = parseKeyRing(benchKeys);
  if (!ring.ok) throw new Error(ring.error);
  return ring.value;
})();
const today = new Intl.DateTimeFormat('en-CA', { timeZone: tenantZone }).format(new Date());

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface ChildResult {
  calls: number;
  wallMs: number;
  startRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  detail: unknown;
}

type Runtime = 'bundle' | 'tsx';

/**
 * The measured child runs as the product runs: bundled like bin/coro-psa.mjs runs the CLI (plain
 * Node, no loader thread), or from the TypeScript sources through tsx (the development runtime).
 */
let bundledChild: Promise<string> | undefined;
function childEntry(runtime: Runtime): Promise<string> {
  if (runtime === 'tsx') return Promise.resolve(childPath);
  bundledChild ??= (async () => {
    // Inside the repository (bench/results/ is git-ignored): its imports resolve from node_modules.
    const outdir = fileURLToPath(new URL('./results/sync-bench-child', import.meta.url));
    await build(serverBundleOptions(childPath, outdir));
    const outfile = bundledEntry(childPath, outdir);
    return outfile;
  })();
  return bundledChild;
}

async function runChild(args: object, runtime: Runtime = 'bundle'): Promise<ChildResult> {
  const entry = await childEntry(runtime);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        // e.g. BENCH_CHILD_FLAGS=--trace-gc (with BENCH_CHILD_ECHO=1 to see its output)
        ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean),
        ...(runtime === 'tsx' ? ['--import', 'tsx'] : []),
        entry,
        JSON.stringify(args),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (process.env.BENCH_CHILD_ECHO) process.stderr.write(d);
    });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`bench child exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

/**
 * The product's own command, `coro-psa sync --connector <id>`, as an operator runs it (bin →
 * bundle): its whole-process peak RSS (getrusage maxRSS, printed by a preload at exit).
 */
function runCli(
  dir: string,
  connectorId: string,
  discoveryBaseUrl: string,
): Promise<{ wallMs: number; peakRssMb: number; status: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', maxRssPreload, cliPath, 'sync', '--connector', connectorId],
      {
        env: {
          ...process.env,
          MODE: 'test',
          DATA_DIR: dir,
          ENCRYPTION_KEYS: benchKeys,
          AUTOTASK_DISCOVERY_URL: discoveryBaseUrl,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => {
      const m = /max-rss-mb (\d+)/.exec(err);
      if (!m) reject(new Error(`coro-psa sync printed no max RSS: ${err.slice(-2000)}`));
      else resolve({ wallMs: performance.now() - started, peakRssMb: Number(m[1]), status });
    });
  });
}

/** Lines whose target differs from the current units: every 10th (workspace, service). */
const isChanged = (w: number, s: number): boolean => (w * S + s) % Math.round(1 / changedShare) === 0;

async function prepare(
  sb: Sandbox,
  workspaces: number,
): Promise<{ dir: string; dbFile: string; connectorId: string; serviceIds: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'coro-sync-bench-'));
  // The file name `coro-psa` uses in DATA_DIR, so the CLI run below opens this database.
  const dbFile = join(dir, 'coro.sqlite');
  const database = createDatabase({ driver: 'sqlite', file: dbFile });
  await migrateToLatest(database.db, 'sqlite');
  const db = database.db;
  const now = new Date().toISOString();
  const { channelId } = await seedChannel(db, 'Bench MSP');
  const connectorId = await seedConnectorRow(db, channelId, {
    now,
    // Sealed as the product seals it, so `coro-psa sync` can open it (benchKeys above).
    credentials: (id) => ({
      username: sb.apiUser.username,
      secret_box: new SecretBox(benchKeyRing).sealJson({ secret: sb.apiUser.secret }, connectorSecretAad(id)),
      integration_code: sb.apiUser.integrationCode,
    }),
  });
  // The scale seed's service ids, by name.
  const serviceIds: string[] = [];
  const { createAutotaskProvider } = await import('../apps/server/src/integrations/autotask/index.js');
  const provider = createAutotaskProvider({ discoveryBaseUrl: `${sb.url}/ATServicesRest/` });
  const conn = provider.connect(sb.apiUser, { connectorId: 'bench-setup' });
  const services = await conn.listServices();
  if (!services.ok) throw new Error(services.error.message);
  for (const name of serviceNames) serviceIds.push(services.value.find((s) => s.name === name)?.id ?? '');
  await conn.close();
  await provider.close();
  for (const [i, serviceKey] of serviceKeys.entries()) {
    const psaServiceId = serviceIds[i] ?? '';
    await seedMappedService(db, { connectorId, psaServiceId, name: serviceNames[i] ?? '', serviceKey, now });
  }
  // The scale seed numbers company w (from 0) as 174 + w, its recurring contract as 1001 + w.
  const benchWorkspaces = Array.from({ length: workspaces }, (_, w) => ({
    psaCompanyId: String(174 + w),
    devices: Array.from({ length: S }, (_, s) => {
      const current = sb.admin.unitsOn(1001 + w, Number(serviceIds[s]), today) ?? 0;
      return isChanged(w, s) ? current + 1 + (w % 7) : current;
    }),
  }));
  await insertBenchChannel(db, { channelId, connectorId }, benchWorkspaces, {
    serviceKeys,
    today,
    timeZone: tenantZone,
    now,
  });
  await database.close();
  return { dir, dbFile, connectorId, serviceIds };
}

const sandboxOptions = (companies: number, latency: number) =>
  ({
    port: 0,
    seed: `scale:${companies}` as const,
    latencyMs: latency,
    latencyTierScale: 0,
    hourlyThreshold: 100_000_000,
    tenantTimeZone: tenantZone,
  }) as Parameters<typeof startSandbox>[0];

async function main(): Promise<void> {
  const lowerBound = (w: number): number =>
    Math.ceil(w / 500) + 2 * Math.ceil((w * S) / 500) + Math.round(w * S * changedShare);
  const rows: string[][] = [];

  if (parts.has('timed')) await timedRuns(rows, lowerBound);
  if (parts.has('big')) await bigRun(rows, lowerBound);
  printTable(rows);
}

const mb = (n: number): string => n.toFixed(0);

async function timedRuns(rows: string[][], lowerBound: (w: number) => number): Promise<void> {
  // ── batched (ours), W workspaces, 150 ms per call ──
  const sb = await startSandbox(sandboxOptions(W, latencyMs));
  const setup = await prepare(sb, W);
  const before = sb.admin.stats().requests;
  const batched = await runChild({
    mode: 'batched',
    dbFile: setup.dbFile,
    discoveryBaseUrl: `${sb.url}/ATServicesRest/`,
    credentials: sb.apiUser,
    connectorId: setup.connectorId,
    today,
  });
  const sandboxCounted = sb.admin.stats().requests - before;
  const lb = lowerBound(W);
  const targetWall = (calls: number): number => (1.2 * calls * latencyMs) / 3;
  rows.push([
    `ours (W=${W})`,
    String(batched.calls),
    String(sandboxCounted),
    String(lb),
    (batched.calls / lb).toFixed(3),
    (batched.wallMs / 1000).toFixed(1),
    (targetWall(batched.calls) / 1000).toFixed(1),
    mb(batched.peakRssMb),
    mb(batched.startRssMb),
    mb(batched.peakHeapMb),
    JSON.stringify(batched.detail),
  ]);

  // ── naive per-line baseline on a sample, same sandbox settings, its own tenant ──
  const sbNaive = await startSandbox(sandboxOptions(naiveW, latencyMs));
  const naiveLines = [];
  for (let w = 0; w < naiveW; w++) {
    for (let s = 0; s < S; s++) {
      const current = sbNaive.admin.unitsOn(1001 + w, Number(setup.serviceIds[s]), today) ?? 0;
      naiveLines.push({
        companyId: String(174 + w),
        serviceId: setup.serviceIds[s] ?? '',
        target: isChanged(w, s) ? current + 1 + (w % 7) : current,
      });
    }
  }
  const naive = await runChild({
    mode: 'naive',
    dbFile: '',
    discoveryBaseUrl: `${sbNaive.url}/ATServicesRest/`,
    credentials: sbNaive.apiUser,
    connectorId: 'naive',
    today,
    naiveLines,
  });
  const scale = W / naiveW;
  rows.push([
    `naive per-line (W=${naiveW} measured)`,
    String(naive.calls),
    '',
    String(lowerBound(naiveW)),
    (naive.calls / lowerBound(naiveW)).toFixed(2),
    (naive.wallMs / 1000).toFixed(1),
    (targetWall(naive.calls) / 1000).toFixed(1),
    mb(naive.peakRssMb),
    mb(naive.startRssMb),
    mb(naive.peakHeapMb),
    JSON.stringify(naive.detail),
  ]);
  rows.push([
    `naive per-line (W=${W}, ×${scale} extrapolated)`,
    String(Math.round(naive.calls * scale)),
    '',
    String(lb),
    ((naive.calls * scale) / lb).toFixed(2),
    ((naive.wallMs * scale) / 1000).toFixed(0),
    '',
    '',
    '',
    '',
    '',
  ]);
  await sbNaive.close();
  await sb.close();
  rmSync(setup.dir, { recursive: true, force: true });
}

async function bigRun(rows: string[][], lowerBound: (w: number) => number): Promise<void> {
  // ── RSS at W = 10,000 (no latency: memory, not time): a first sync (60,000 lines, 6,000 writes),
  // then the steady state (everything confirmed, nothing to change); bundled as in production, and
  // from the sources through tsx as the baseline ──
  const readsOnly = lowerBound(bigW) - Math.round(bigW * S * changedShare);
  for (const runtime of ['bundle', 'tsx'] as const) {
    const sbBig = await startSandbox(sandboxOptions(bigW, 0));
    const big = await prepare(sbBig, bigW);
    const args = {
      mode: 'batched',
      dbFile: big.dbFile,
      discoveryBaseUrl: `${sbBig.url}/ATServicesRest/`,
      credentials: sbBig.apiUser,
      connectorId: big.connectorId,
      today,
    };
    for (const [label, bound] of [
      ['first sync', lowerBound(bigW)],
      ['re-sync', readsOnly],
    ] as const) {
      const r = await runChild(args, runtime);
      rows.push([
        `ours (W=${bigW}, ${label}, 0 ms, ${runtime})`,
        String(r.calls),
        '',
        String(bound),
        (r.calls / bound).toFixed(3),
        (r.wallMs / 1000).toFixed(1),
        '',
        mb(r.peakRssMb),
        mb(r.startRssMb),
        mb(r.peakHeapMb),
        JSON.stringify(r.detail),
      ]);
    }
    await sbBig.close();
    rmSync(big.dir, { recursive: true, force: true });
  }

  // The same first sync and re-sync through the product's command (whole process: every module
  // the CLI loads, its plan table printed), bundled as bin/coro-psa.mjs runs it.
  await buildServer();
  const sbCli = await startSandbox(sandboxOptions(bigW, 0));
  const cli = await prepare(sbCli, bigW);
  for (const [label, expected] of [
    ['first sync', 'changes'],
    ['re-sync', 'none'],
  ] as const) {
    const r = await runCli(cli.dir, cli.connectorId, `${sbCli.url}/ATServicesRest/`);
    rows.push([
      `coro-psa sync (W=${bigW}, ${label}, 0 ms)`,
      '',
      '',
      '',
      '',
      (r.wallMs / 1000).toFixed(1),
      '',
      mb(r.peakRssMb),
      '',
      '',
      JSON.stringify({ exit: r.status, expected }),
    ]);
  }
  const adjustments = sbCli.admin.adjustments().length;
  rows.push([
    '  (sandbox adjustments after both CLI runs)',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    String(adjustments),
  ]);
  await sbCli.close();
  rmSync(cli.dir, { recursive: true, force: true });
}

function printTable(rows: string[][]): void {
  const header = [
    'run',
    'calls',
    'sandbox saw',
    'lower bound',
    'ratio',
    'wall s',
    'target wall s',
    'peak RSS MB',
    'RSS before MB',
    'peak heap MB',
    'detail',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(
    `\nsync bench: S=${S}, ${changedShare * 100} % changed, ${latencyMs} ms per call, 3 in flight per endpoint`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(fmt(r));
  console.log('targets: ratio ≤ 1.1, wall ≤ target wall (1.2 × calls × 0.15 s / 3), peak RSS ≤ 250 MB');
}

await main();
