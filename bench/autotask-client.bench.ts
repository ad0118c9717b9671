/**
 * How many Autotask calls and how much wall time a full read of a large tenant costs with our
 * client (batched `in` chunks of 500, 500-row pages, 3 threads per entity), next to the naive
 * per-company loop, on the sandbox with a realistic per-call latency.
 *
 *   npx tsx bench/autotask-client.bench.ts          (or: npm run bench autotask)
 *   BENCH_NAIVE_COMPANIES=2000 … to run the naive loop on every company instead of extrapolating.
 *
 * Figures are printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { startSandbox } from 'autotask-sandbox';
import { createAutotaskProvider } from '../apps/server/src/integrations/autotask/index.js';
import type { PsaCallEvent } from '../apps/server/src/psa/psa-provider.port.js';

const companyCount = 2_000;
const servicesPerContract = 6;
const latencyMs = 150;
const naiveSample = Math.min(companyCount, Number(process.env.BENCH_NAIVE_COMPANIES ?? 200));

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());

function unwrap<T>(
  result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function main(): Promise<void> {
  const sb = await startSandbox({
    port: 0,
    seed: `scale:${companyCount}`,
    latencyMs,
    latencyTierScale: 0,
    hourlyThreshold: 10_000_000,
  });
  const provider = createAutotaskProvider({ discoveryBaseUrl: `${sb.url}/ATServicesRest/` });
  const credentials = { ...sb.apiUser };
  try {
    const calls: PsaCallEvent[] = [];
    const batched = provider.connect(credentials, {
      connectorId: 'bench-batched',
      onCall: (e) => calls.push(e),
    });
    const naive = provider.connect(credentials, { connectorId: 'bench-naive', onCall: (e) => calls.push(e) });

    // Company ids come from the lookup table in the product; list them once, outside the timing.
    const companyIds: string[] = [];
    for await (const page of batched.listCompanies())
      companyIds.push(
        ...unwrap(page)
          .filter((c) => c.id !== '0')
          .map((c) => c.id),
      );
    unwrap(await naive.verify());

    // ── batched: our client ──
    calls.length = 0;
    let started = performance.now();
    const contracts = unwrap(await batched.readContracts(companyIds));
    const contractsMs = performance.now() - started;
    const contractIds = contracts.map((c) => c.id);
    const [services, units] = await Promise.all([
      batched.readContractServices(contractIds).then(unwrap),
      batched.readUnits(contractIds, today).then(unwrap),
    ]);
    const batchedMs = performance.now() - started;
    const batchedCalls = calls.length;
    const batchedThresholdReads = calls.filter((c) => c.endpoint === 'ThresholdInformation').length;
    const batched429 = calls.filter((c) => c.status === 429).length;
    const medianMs = (prefix: string): number => {
      const sorted = calls
        .filter((c) => c.endpoint.startsWith(prefix))
        .map((c) => c.durationMs)
        .sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? 0;
    };
    const perCall = {
      contracts: medianMs('Contracts/query'),
      services: medianMs('ContractServices/'),
      units: medianMs('ContractServiceUnits/'),
    };

    // ── naive: per company, sequential, same transport ──
    calls.length = 0;
    started = performance.now();
    let naiveRows = 0;
    for (const companyId of companyIds.slice(0, naiveSample)) {
      const own = unwrap(await naive.readContracts([companyId])).map((c) => c.id);
      naiveRows += unwrap(await naive.readContractServices(own)).length;
      naiveRows += unwrap(await naive.readUnits(own, today)).length;
    }
    const factor = companyIds.length / naiveSample;
    const naiveMs = (performance.now() - started) * factor;
    const naiveCalls = Math.round(calls.length * factor);

    const w = companyIds.length;
    const lowerBound = Math.ceil(w / 500) + 2 * Math.ceil((w * servicesPerContract) / 500);

    const rows: [string, number, number | null][] = [
      ['lower bound ceil(W/500) + 2·ceil(W·S/500)', lowerBound, null],
      ['batched (our client)', batchedCalls, batchedMs],
      [
        `naive per-company loop${factor === 1 ? '' : ` (${naiveSample} measured, ×${factor.toFixed(0)})`}`,
        naiveCalls,
        naiveMs,
      ],
    ];
    const fmt = (n: number, digits = 0): string =>
      n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    const line = (cells: string[], widths: number[]): string =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    const widths = [48, 14, 12, 10, 16];

    console.log(
      `\nAutotask client benchmark — sandbox scale:${w} (W = ${fmt(w)} companies × S = ${servicesPerContract} services),`,
    );
    console.log(
      `${latencyMs} ms latency per call, thread limit 3 per entity, latency tiers off, today = ${today}\n`,
    );
    console.log(line(['', 'Autotask calls', 'wall time', 'calls/s', 'calls vs bound'], widths));
    console.log(
      line(
        widths.map((n) => '─'.repeat(n)),
        widths,
      ),
    );
    for (const [name, n, ms] of rows) {
      console.log(
        line(
          [
            name,
            fmt(n),
            ms === null ? '—' : `${fmt(ms / 1000, 2)} s`,
            ms === null ? '—' : fmt(n / (ms / 1000), 1),
            `${fmt(n / lowerBound, 2)}×`,
          ],
          widths,
        ),
      );
    }
    console.log('');
    console.log(
      `batched: ${fmt(contracts.length)} contracts, ${fmt(services.length)} contract services, ${fmt(units.length)} units windows;`,
    );
    console.log(
      `         ${batchedThresholdReads} of the calls are ThresholdInformation reads (pacing), ${batched429} answered 429`,
    );
    console.log(
      `         phases: contracts ${fmt(contractsMs / 1000, 2)} s, then services ∥ units ${fmt((batchedMs - contractsMs) / 1000, 2)} s;` +
        ` median per call: Contracts ${perCall.contracts} ms, ContractServices ${perCall.services} ms, ContractServiceUnits ${perCall.units} ms`,
    );
    console.log(
      `         (${latencyMs} ms of each is injected latency; the rest is the in-process sandbox filtering ${fmt(w * servicesPerContract * 24)} unit rows)`,
    );
    console.log(
      `naive:   ${fmt(naiveRows)} rows for ${naiveSample} companies${factor === 1 ? '' : `; calls and time extrapolated ×${factor.toFixed(0)} to ${fmt(w)} companies`}`,
    );
    console.log(
      `ratio:   naive / batched = ${fmt(naiveCalls / batchedCalls, 1)}× the calls, ${fmt(naiveMs / batchedMs, 1)}× the wall time`,
    );
    console.log(
      `budget:  a full read costs ${fmt((batchedCalls / 10_000) * 100, 2)} % of a 10,000/h tenant (naive: ${fmt((naiveCalls / 10_000) * 100, 1)} %)`,
    );

    await batched.close();
    await naive.close();
  } finally {
    await provider.close();
    await sb.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
