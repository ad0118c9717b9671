/**
 * Jobs, as the entry points (main.ts, cli.ts) see them. Inside the server, modules import the file
 * that owns what they need (job-catalog, sync-now, schedule/…); this barrel re-exports only what the
 * entry points use, so knip can tell a dead export from a public one.
 *
 * @example
 * // serve (SQLite or PostgreSQL) and worker (PostgreSQL only):
 * const jobs = await startJobs(ctx, { role: 'serve' });
 * // "Sync now" (routes use sync-now.ts directly):
 * const { runId, isExisting } = await requestSyncNow(ctx.database.db, jobs.queue, connectorId);
 */
export { JobsUnsupportedError, startJobs, WORKER_NEEDS_POSTGRES } from './jobs.runtime.js';
