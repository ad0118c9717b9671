import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  help: 'PSA API call duration',
  labelNames: ['psa', 'endpoint'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [metricsRegistry],
});

export const psaRetriesTotal = new Counter({
  name: 'psa_retries_total',
  help: 'PSA API retries by reason',
  labelNames: ['psa', 'reason'] as const,
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
