/**
 * One measured sync in its own process (so peak RSS is the sync's, not the sandbox's): `batched`
 * runs the real executor; `naive` is the per-line baseline (3 reads per line + a write when
 * changed, 3 in flight) over a sample of workspaces. Prints one JSON line.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import PQueue from 'p-queue';

import { createAutotaskProvider } from '../apps/server/src/integrations/autotask/index.js';
import { runBatchedSync } from './sync-bench-run.js';

interface Args {
  mode: 'batched' | 'naive';
  dbFile: string;
  discoveryBaseUrl: string;
  credentials: { username: string; secret: string; integrationCode: string };
  connectorId: string;
  today: string;
  naiveLines?: { companyId: string; serviceId: string; target: number }[];
}

// As bin/coro-psa.mjs does for every command.
v8.setFlagsFromString('--optimize-for-size');
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
// RSS before the sync: the runtime itself (Node + our modules, + tsx's loader when not bundled).
const startRss = process.memoryUsage().rss;
let peakRss = startRss;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);
const provider = createAutotaskProvider({ discoveryBaseUrl: args.discoveryBaseUrl, budgetShare: 1 });
let calls = 0;
const count = (e: { endpoint: string }): void => {
  if (e.endpoint !== 'zoneInformation') calls++;
};
// BENCH_HEAP_PROFILE=<path>: a sampling profile of the objects that outlived a scavenge and died
// later (what makes the old generation, and so RSS, grow), written to <path>.<pid>.json.
const session = new Session();
if (process.env.BENCH_HEAP_PROFILE) {
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  } as never);
}
const started = performance.now();
let detail: unknown;
if (args.mode === 'batched') {
  detail = await runBatchedSync(args.dbFile, args.connectorId, (connectorId, onCall) =>
    provider.connect(args.credentials, { connectorId, onCall: (e) => (count(e), onCall(e)) }),
  );
} else {
  const conn = provider.connect(args.credentials, { connectorId: 'naive', onCall: count });
  const pool = new PQueue({ concurrency: 3 });
  let writes = 0;
  for (const line of args.naiveLines ?? []) {
    void pool.add(async () => {
      const contracts = await conn.readContracts([line.companyId]);
      if (!contracts.ok) return;
      const contract = contracts.value.find(
        (c) => c.isActive && c.isRecurringService && c.startDate <= args.today && args.today <= c.endDate,
      );
      if (!contract) return;
      const services = await conn.readContractServices([contract.id]);
      if (!services.ok) return;
      const units = await conn.readUnits([contract.id], args.today);
      if (!units.ok) return;
      const current = units.value.find((u) => u.serviceId === line.serviceId)?.units ?? 0;
      if (current !== line.target) {
        writes++;
        await conn.createUnitAdjustment({
          contractId: contract.id,
          serviceId: line.serviceId,
          unitChange: line.target - current,
          effectiveDate: args.today,
        });
      }
    });
  }
  await pool.onIdle();
  detail = { writes };
  await conn.close();
}
const wallMs = performance.now() - started;
if (process.env.BENCH_HEAP_PROFILE) {
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
  writeFileSync(`${process.env.BENCH_HEAP_PROFILE}.${process.pid}.json`, JSON.stringify(profile));
}
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await provider.close();
const mib = (n: number): number => n / 1024 / 1024;
process.stdout.write(
  `${JSON.stringify({ calls, wallMs, startRssMb: mib(startRss), peakRssMb: mib(peakRss), peakHeapMb: mib(peakHeap), detail })}\n`,
);
