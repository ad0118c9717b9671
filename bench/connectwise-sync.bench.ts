/**
 * The daily billing sync through ConnectWise PSA at scale: API calls (reads / writes) and wall time
 * of one apply run for W workspaces × S services with 10 % of the lines changed, through the real
 * executor and ConnectWise provider against `connectwise-sandbox` (HTTPS, 150 ms per call,
 * `scale:W`: one agreement per company with six additions), beside the lower bound for
 * ConnectWise's paging and filters and beside a naive per-line sync measured in the same run (on a
 * sample, extrapolated). The sync runs in its own process, like bench/sync.bench.ts (Autotask).
 *
 * Lower bound: ceil(A/1000) + A + C
 *   - ceil(A/1000): the A agreements of the mapped companies in pages of ≤ 1,000 (an unfiltered
 *     list; filtering by `company/id in (…)` costs more, since URLs stay ≤ 2,000 characters);
 *   - A: additions. ConnectWise lists them only under their agreement
 *     (`finance/agreements/{id}/additions`; there is no cross-agreement additions list to filter
 *     with `agreementId in (…)`), so at least one query per agreement, each ≤ 1,000 additions;
 *   - C: one PATCH per changed line (`quantity` is stored absolute; one addition per request).
 *   Companies and catalog items come from the connector's own tables (refreshed apart), not read
 *   by the sync. Discovery (`login/companyinfo`, unauthenticated, once per connection) is counted
 *   apart, as the Autotask bench leaves out zoneInformation.
 *   W = 2,000, S = 6: A = 2,000, C = 1,200 → 2 + 2,000 + 1,200 = 3,202.
 *
 * Naive per line: the company's agreements, the agreement's additions, then the write when changed
 * (the provider's own calls, 3 lines in flight).
 *
 * The sandbox's per-minute limit is lifted unless BENCH_CW_RPM sets it (ConnectWise documents
 * 1,000 requests/minute): the bench counts calls; pacing is the client's concern.
 *
 *   npx tsx bench/connectwise-sync.bench.ts      BENCH_W=2000 BENCH_NAIVE_W=100 BENCH_CW_RPM=1000
 *
 * Target: calls ≤ 1.1 × lower bound. Printed, not asserted.
 *
 * Measured 2026-12-04 (W = 2,000, S = 6, 150 ms per call; lower bound 3,202 = 2,002 reads + 1,200 writes):
 *   before  6,416 calls (5,216 reads + 1,200 writes), 2.004 × bound, 635 s: each agreement's additions
 *           read twice (once for the contract services, again for the units: 4,000), a GET of the
 *           addition before each PATCH (1,200), agreements by `company/id in (…)` lists of 150 (16),
 *           one read at a time;
 *   after   3,216 calls (2,016 reads + 1,200 writes), 1.004 × bound, 117 s: the additions list read
 *           for the contract services is handed to the units read once, a PATCH builds on the
 *           quantity last read (a GET only after a failed write), 3 additions reads in flight. The
 *           14 calls over the bound are the agreements read by company (URLs ≤ 2,000 characters).
 *           With BENCH_CW_RPM=1000 (ConnectWise's documented limit): 3,227 calls, 1.008 ×, 209 s;
 *           11 were answered 429 and sent again after Retry-After (still 1,200 writes applied).
 *   naive   26,400 calls extrapolated from W = 100 (1,320 measured: 2 reads per line + GET and PATCH
 *           per changed line), 1,357 s, 8.24 × bound, with the provider before; 25,200 (1,260
 *           measured), 1,306 s, 7.87 × with the provider after (its write no longer GETs first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from 'connectwise-sandbox';

import { createDatabase } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import {
  createConnectWiseProvider,
  encodeCwCredentials,
} from '../apps/server/src/integrations/connectwise/index.js';
import { seedChannel, seedConnectorRow, seedMappedService } from '../apps/server/test/connector.fixtures.js';
import { insertBenchChannel } from './sync-bench-seed.js';

const W = Number(process.env.BENCH_W ?? 2000);
const naiveW = Number(process.env.BENCH_NAIVE_W ?? 100);
/** The sandbox's per-minute limit; lifted unless set (ConnectWise documents 1,000). */
const requestsPerMinute = Number(process.env.BENCH_CW_RPM ?? 1_000_000_000);
const S = 6;
const latencyMs = 150;
const changedShare = 0.1;
const tenantZone = 'America/New_York';
// The six products each `scale:N` agreement carries, and the Coro services they bill.
const serviceNames = [
  'Coro Endpoint Security',
  'Coro EDR',
  'Coro Email Security',
  'Coro Cloud Security',
  'Coro User Data Governance',
  'Coro Endpoint Data Governance',
];
const serviceKeys = [
  'endpoint_security',
  'edr',
  'email_security',
  'cloud_security',
  'user_data_governance',
  'endpoint_data_governance',
];
const childPath = fileURLToPath(new URL('./connectwise-sync-bench.child.ts', import.meta.url));
const today = new Intl.DateTimeFormat('en-CA', { timeZone: tenantZone }).format(new Date());

interface Calls {
  reads: number;
  writes: number;
  discovery: number;
  retries: number;
  byMethod: Record<string, number>;
}
interface ChildResult {
  calls: Calls;
  wallMs: number;
  startRssMb: number;
  peakRssMb: number;
  detail: unknown;
}

function runChild(args: object): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childPath, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`bench child exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

/** Lines whose target differs from the current units: every 10th (workspace, service). */
const isChanged = (w: number, s: number): boolean => (w * S + s) % Math.round(1 / changedShare) === 0;

interface Tenant {
  /** Company id → agreement id → (product id → quantity), as the sandbox holds them now. */
  companyIds: string[];
  serviceIds: string[];
  quantities: Map<string, number>[];
}

/** What the scale seed holds, read through our provider before the latency is switched on. */
async function readTenant(sb: Sandbox, ca: string, workspaces: number): Promise<Tenant> {
  const provider = createConnectWiseProvider({ ca });
  const conn = provider.connect(encodeCwCredentials(sb.credentials, sb.credentials.clientId), {
    connectorId: 'bench-setup',
  });
  const services = await conn.listServices();
  if (!services.ok) throw new Error(services.error.message);
  const serviceIds = serviceNames.map((name) => services.value.find((s) => s.name === name)?.id ?? '');
  const companyIds: string[] = [];
  for await (const page of conn.listCompanies()) {
    if (!page.ok) throw new Error(page.error.message);
    for (const c of page.value) if (c.name.startsWith('Scale Customer ')) companyIds.push(c.id);
  }
  companyIds.sort((a, b) => Number(a) - Number(b));
  if (companyIds.length !== workspaces) throw new Error(`expected ${workspaces} companies`);
  const contracts = await conn.readContracts(companyIds);
  if (!contracts.ok) throw new Error(contracts.error.message);
  const agreementOf = new Map(contracts.value.map((c) => [c.companyId, c.id]));
  const units = await conn.readUnits([...agreementOf.values()], today);
  if (!units.ok) throw new Error(units.error.message);
  const byAgreement = new Map<string, Map<string, number>>();
  for (const u of units.value)
    byAgreement.set(
      u.contractId,
      (byAgreement.get(u.contractId) ?? new Map<string, number>()).set(u.serviceId, u.units),
    );
  await conn.close();
  return {
    companyIds,
    serviceIds,
    quantities: companyIds.map((id) => byAgreement.get(agreementOf.get(id) ?? '') ?? new Map()),
  };
}

const targetOf = (tenant: Tenant, w: number, s: number): number => {
  const current = tenant.quantities[w]?.get(tenant.serviceIds[s] ?? '') ?? 0;
  return isChanged(w, s) ? current + 1 + (w % 7) : current;
};

async function prepare(
  tenant: Tenant,
  workspaces: number,
): Promise<{ dir: string; dbFile: string; connectorId: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'coro-cw-sync-bench-'));
  const dbFile = join(dir, 'coro.sqlite');
  const database = createDatabase({ driver: 'sqlite', file: dbFile });
  await migrateToLatest(database.db, 'sqlite');
  const db = database.db;
  const now = new Date().toISOString();
  const { channelId } = await seedChannel(db, 'Bench MSP');
  // The child opens the connection itself (as the bench's openConnection), so the row's sealed
  // secret is never opened; its kind says which PSA it is.
  const connectorId = await seedConnectorRow(db, channelId, { now });
  await db.updateTable('psa_connectors').set({ kind: 'connectwise' }).where('id', '=', connectorId).execute();
  for (const [i, serviceKey] of serviceKeys.entries()) {
    const psaServiceId = tenant.serviceIds[i] ?? '';
    await seedMappedService(db, { connectorId, psaServiceId, name: serviceNames[i] ?? '', serviceKey, now });
  }
  const benchWorkspaces = Array.from({ length: workspaces }, (_, w) => ({
    psaCompanyId: tenant.companyIds[w] ?? '',
    devices: Array.from({ length: S }, (_, s) => targetOf(tenant, w, s)),
  }));
  await insertBenchChannel(db, { channelId, connectorId }, benchWorkspaces, {
    serviceKeys,
    today,
    timeZone: tenantZone,
    now,
  });
  await database.close();
  return { dir, dbFile, connectorId };
}

const lowerBound = (w: number): { reads: number; writes: number; total: number } => {
  const agreements = w;
  const reads = Math.ceil(agreements / 1000) + agreements;
  const writes = Math.round(w * S * changedShare);
  return { reads, writes, total: reads + writes };
};

/**
 * A sandbox of `scale:companies` over HTTPS, read at 0 ms without a limit, then reset (the same
 * seed, counters and rate window zeroed) and set to 150 ms per call and the bench's limit.
 */
async function tenantSandbox(companies: number): Promise<{ sb: Sandbox; ca: string; tenant: Tenant }> {
  const sb = await startSandbox({
    port: 0,
    seed: `scale:${companies}`,
    tls: true,
    requestsPerMinute: 1_000_000_000,
  });
  const ca = readFileSync(sb.caFile ?? '', 'utf8');
  const tenant = await readTenant(sb, ca, companies);
  sb.admin.reset();
  sb.admin.setLimits({ requestsPerMinute });
  sb.admin.setLatency(latencyMs);
  return { sb, ca, tenant };
}

const sandboxRequests = (sb: Sandbox): number =>
  Object.values(sb.admin.stats()).reduce((sum, t) => sum + t.requests, 0);
const rejected429 = (sb: Sandbox): number =>
  Object.values(sb.admin.stats()).reduce((sum, t) => sum + t.rejected429, 0);

async function main(): Promise<void> {
  const rows: string[][] = [];
  const lb = lowerBound(W);

  // ── ours: the real executor and provider, W workspaces ──
  const { sb, ca, tenant } = await tenantSandbox(W);
  const setup = await prepare(tenant, W);
  const before = sandboxRequests(sb);
  const rejectedBefore = rejected429(sb);
  const writesBefore = sb.admin.writes().length;
  const ours = await runChild({
    mode: 'batched',
    dbFile: setup.dbFile,
    ca,
    credentials: sb.credentials,
    connectorId: setup.connectorId,
    today,
  });
  const sandboxCounted = sandboxRequests(sb) - before;
  const sandboxWrites = sb.admin.writes().length - writesBefore;
  const oursCalls = ours.calls.reads + ours.calls.writes;
  rows.push([
    `ours (W=${W})`,
    String(oursCalls),
    String(ours.calls.reads),
    String(ours.calls.writes),
    String(sandboxCounted),
    `${lb.total} (${lb.reads} r + ${lb.writes} w)`,
    (oursCalls / lb.total).toFixed(3),
    (ours.wallMs / 1000).toFixed(1),
    ours.peakRssMb.toFixed(0),
    JSON.stringify({
      ...(ours.detail as object),
      sandboxWrites,
      retries: ours.calls.retries,
      rejected429: rejected429(sb) - rejectedBefore,
      byMethod: ours.calls.byMethod,
    }),
  ]);
  await sb.close();
  rmSync(setup.dir, { recursive: true, force: true });

  // ── naive per-line baseline on a sample, same sandbox settings, its own tenant ──
  const naiveSb = await tenantSandbox(naiveW);
  const naiveLines = [];
  for (let w = 0; w < naiveW; w++)
    for (let s = 0; s < S; s++)
      naiveLines.push({
        companyId: naiveSb.tenant.companyIds[w] ?? '',
        serviceId: naiveSb.tenant.serviceIds[s] ?? '',
        target: targetOf(naiveSb.tenant, w, s),
      });
  const naiveBefore = sandboxRequests(naiveSb.sb);
  const naive = await runChild({
    mode: 'naive',
    dbFile: '',
    ca: naiveSb.ca,
    credentials: naiveSb.sb.credentials,
    connectorId: 'naive',
    today,
    naiveLines,
  });
  const naiveCounted = sandboxRequests(naiveSb.sb) - naiveBefore;
  const naiveCalls = naive.calls.reads + naive.calls.writes;
  const nlb = lowerBound(naiveW);
  const scale = W / naiveW;
  rows.push([
    `naive per-line (W=${naiveW} measured)`,
    String(naiveCalls),
    String(naive.calls.reads),
    String(naive.calls.writes),
    String(naiveCounted),
    String(nlb.total),
    (naiveCalls / nlb.total).toFixed(2),
    (naive.wallMs / 1000).toFixed(1),
    naive.peakRssMb.toFixed(0),
    JSON.stringify({ ...(naive.detail as object), byMethod: naive.calls.byMethod }),
  ]);
  rows.push([
    `naive per-line (W=${W}, ×${scale} extrapolated)`,
    String(Math.round(naiveCalls * scale)),
    String(Math.round(naive.calls.reads * scale)),
    String(Math.round(naive.calls.writes * scale)),
    '',
    String(lb.total),
    ((naiveCalls * scale) / lb.total).toFixed(2),
    ((naive.wallMs * scale) / 1000).toFixed(0),
    '',
    '',
  ]);
  await naiveSb.sb.close();
  printTable(rows);
}

function printTable(rows: string[][]): void {
  const header = [
    'run',
    'calls',
    'reads',
    'writes',
    'sandbox saw',
    'lower bound',
    'ratio',
    'wall s',
    'peak RSS MB',
    'detail',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(
    `\nConnectWise sync bench: S=${S}, ${changedShare * 100} % changed, ${latencyMs} ms per call, HTTPS`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(fmt(r));
  console.log('target: ratio ≤ 1.1 (calls = reads + writes; discovery left out)');
}

await main();
