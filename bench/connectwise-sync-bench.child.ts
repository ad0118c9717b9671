/**
 * One measured ConnectWise sync in its own process (so wall time and RSS are the sync's, not the
 * sandbox's): `batched` runs the real executor through the real ConnectWise provider; `naive` is the
 * per-line baseline (per line: the company's agreements, the agreement's additions, and a quantity
 * write when changed; 3 lines in flight) over a sample of workspaces. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';

import {
  createConnectWiseProvider,
  encodeCwCredentials,
} from '../apps/server/src/integrations/connectwise/index.js';
import type { PsaCallEvent } from '../apps/server/src/psa/psa-provider.port.js';
import { runBatchedSync } from './sync-bench-run.js';

interface Args {
  mode: 'batched' | 'naive';
  dbFile: string;
  ca: string;
  credentials: {
    site: string;
    companyId: string;
    publicKey: string;
    privateKey: string;
    clientId: string;
  };
  connectorId: string;
  today: string;
  naiveLines?: { companyId: string; serviceId: string; target: number }[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const startRss = process.memoryUsage().rss;
let peakRss = startRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const provider = createConnectWiseProvider({ ca: args.ca });
const credentials = encodeCwCredentials(args.credentials, args.credentials.clientId);
// Discovery (`login/companyinfo`) is unauthenticated and not an API call: counted apart, as the
// Autotask bench leaves out zoneInformation.
const calls = { reads: 0, writes: 0, discovery: 0, retries: 0, byMethod: {} as Record<string, number> };
const count = (e: PsaCallEvent): void => {
  if (e.kind === 'discovery') calls.discovery++;
  else if (e.kind === 'read') calls.reads++;
  else calls.writes++;
  if (e.outcome === 'retry') calls.retries++;
  const key = `${e.method} ${e.entity}`;
  calls.byMethod[key] = (calls.byMethod[key] ?? 0) + 1;
};

const started = performance.now();
let detail: unknown;
if (args.mode === 'batched') {
  detail = await runBatchedSync(args.dbFile, args.connectorId, (connectorId, onCall) =>
    provider.connect(credentials, { connectorId, onCall: (e) => (count(e), onCall(e)) }),
  );
} else {
  const conn = provider.connect(credentials, { connectorId: 'naive', onCall: count });
  const pool = new PQueue({ concurrency: 3 });
  let writes = 0;
  let failed = 0;
  const fail = (): void => {
    failed++;
  };
  for (const line of args.naiveLines ?? []) {
    void pool.add(async () => {
      const contracts = await conn.readContracts([line.companyId]);
      if (!contracts.ok) return fail();
      const contract = contracts.value.find(
        (c) => c.isActive && c.isRecurringService && c.startDate <= args.today && args.today <= c.endDate,
      );
      if (!contract) return fail();
      const units = await conn.readUnits([contract.id], args.today);
      if (!units.ok) return fail();
      const window = units.value.find((u) => u.serviceId === line.serviceId);
      if (!window) return fail();
      if (window.units !== line.target) {
        writes++;
        const written = await conn.createUnitAdjustment({
          contractId: contract.id,
          serviceId: line.serviceId,
          contractServiceId: window.contractServiceId,
          unitChange: line.target - window.units,
          effectiveDate: args.today,
        });
        if (!written.ok) failed++;
      }
    });
  }
  await pool.onIdle();
  detail = { writes, failed };
  await conn.close();
}
const wallMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const mib = (n: number): number => n / 1024 / 1024;
process.stdout.write(
  `${JSON.stringify({ calls, wallMs, startRssMb: mib(startRss), peakRssMb: mib(peakRss), detail })}\n`,
);
