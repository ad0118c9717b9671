import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process, exposed at /metrics. Labels stay low-cardinality: never a raw
 * connector, tenant or workspace id.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests by route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDurationSeconds = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const loginAttemptsTotal = new Counter({
  name: 'login_attempts_total',
  help: 'Console logins by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const usageRecordsIngestedTotal = new Counter({
  name: 'usage_records_ingested_total',
  help: 'Usage records received, by outcome (inserted, updated, unchanged, rejected)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const psaRequestsTotal = new Counter({
  name: 'psa_requests_total',
  help: 'Requests to a PSA API by provider, entity, kind (read, write, discovery) and outcome (ok, retry, error)',
  labelNames: ['psa', 'entity', 'kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const psaRequestDurationSeconds = new Histogram({
  name: 'psa_request_duration_seconds',
  help: 'PSA API call duration by provider, entity and kind',
  labelNames: ['psa', 'entity', 'kind'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [metricsRegistry],
});

export const syncRunsTotal = new Counter({
  name: 'psa_sync_runs_total',
  help: 'Sync runs by trigger and outcome',
  labelNames: ['trigger', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const syncDurationSeconds = new Histogram({
  name: 'psa_sync_duration_seconds',
  help: 'Sync run duration',
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
  registers: [metricsRegistry],
});

export const adjustmentsAppliedTotal = new Counter({
  name: 'adjustments_applied_total',
  help: 'Unit adjustments written to a PSA by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const jobsTotal = new Counter({
  name: 'jobs_total',
  help: 'Jobs finished by name and outcome',
  labelNames: ['job', 'outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Event-loop delay over the scrape interval (issue 12: nothing may block the loop > 50 ms). One
 * monitor per process, sampled every 10 ms; each scrape reads max and p99 and resets it, so the
 * figures describe the last interval rather than the whole uptime. Kept beside prom-client's
 * `nodejs_eventloop_lag_*` defaults under stable names the alerts and benches use. Known blind
 * spot: after a reset Node drops the monitor's first sample, so a stall that starts within 10 ms
 * of a scrape is missed (a 10 ms window per scrape interval).
 */
const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
eventLoopDelay.enable();
let eventLoopDelayMaxSeconds = 0;
let eventLoopDelayP99Seconds = 0;
let eventLoopDelayReadAt = 0;

// Both gauges are collected in one scrape; the second reads the figures the first captured.
function readEventLoopDelay(): void {
  const nowMs = Date.now();
  if (nowMs - eventLoopDelayReadAt < 100) return;
  eventLoopDelayReadAt = nowMs;
  eventLoopDelayMaxSeconds = eventLoopDelay.count > 0 ? eventLoopDelay.max / 1e9 : 0;
  eventLoopDelayP99Seconds = eventLoopDelay.count > 0 ? eventLoopDelay.percentile(99) / 1e9 : 0;
  eventLoopDelay.reset();
}

new Gauge({
  name: 'event_loop_delay_max_seconds',
  help: 'Longest event-loop delay since the previous scrape',
  registers: [metricsRegistry],
  collect() {
    readEventLoopDelay();
    this.set(eventLoopDelayMaxSeconds);
  },
});

new Gauge({
  name: 'event_loop_delay_p99_seconds',
  help: '99th percentile of event-loop delay since the previous scrape',
  registers: [metricsRegistry],
  collect() {
    readEventLoopDelay();
    this.set(eventLoopDelayP99Seconds);
  },
});
