import closeWithGrace from 'close-with-grace';

import type { AppConfig } from './config/config.js';
import { SecretBox } from './crypto/secret-box.js';
import { createDatabase, type Database } from './db/database.js';
import { createMigrator, migrateToLatest } from './db/migrator.js';
import { systemClock, type AppContext } from './app/app-context.js';
import { readFileSync } from 'node:fs';
import { createAutotaskProvider } from './integrations/autotask/index.js';
import { createConnectWiseProvider } from './integrations/connectwise/index.js';
import { JobsUnsupportedError, startJobs, WORKER_NEEDS_POSTGRES } from './jobs/index.js';
import { createLogger } from './observability/logger.js';

/**
 * Composition root: config → database → context → HTTP. No logic lives here.
 * SQLite (embedded) migrates itself at start; PostgreSQL does too in demo/development, while in
 * production `coro-psa migrate up` is an explicit deploy step and pending migrations stop the start.
 */
export async function openDatabase(config: AppConfig, options: { migrate: boolean }): Promise<Database> {
  const database = createDatabase(config.database);
  try {
    if (options.migrate) {
      await migrateToLatest(database.db, database.dialect);
    } else {
      const pending = (await createMigrator(database.db, database.dialect).getMigrations()).filter(
        (m) => m.executedAt === undefined,
      );
      if (pending.length > 0) {
        throw new Error(
          `${pending.length} pending migration(s) (${pending.map((m) => m.name).join(', ')}). Run \`coro-psa migrate up\` first.`,
        );
      }
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

export function shouldAutoMigrate(config: AppConfig): boolean {
  return config.database.driver === 'sqlite' || config.mode !== 'production';
}

export function createAppContext(
  config: AppConfig,
  database: Database,
): AppContext & { close(): Promise<void> } {
  const logger = createLogger(config.logLevel);
  const autotask = createAutotaskProvider({
    discoveryBaseUrl: config.autotask.discoveryUrl,
    logger: logger.child({ psa: 'autotask' }),
  });
  const connectwise = createConnectWiseProvider(
    config.connectwise.caFile === null ? {} : { ca: readFileSync(config.connectwise.caFile, 'utf8') },
  );
  return {
    config,
    database,
    logger,
    clock: systemClock,
    secretBox: new SecretBox(config.encryptionKeys),
    psaProviders: { autotask, connectwise },
    close: async () => {
      await autotask.close();
      await database.close();
    },
  };
}

/**
 * Grace periods after SIGTERM/SIGINT (ADR 0010). Jobs get half: a sync reaches its next safe point
 * within seconds (a write in flight), and a handler that ignores the stop is abandoned 10 s later
 * and its job handed back, still inside the grace; the rest is for closing HTTP and the database.
 */
export const SERVE_GRACE_MS = 30_000;
export const WORKER_GRACE_MS = 30_000;

/** `coro-psa serve`: listen, and shut down on SIGTERM/SIGINT (ADR 0010). */
export async function startServer(config: AppConfig): Promise<void> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  // ── jobs (owner: jobs engineer): the embedded queue on SQLite, one more pg-boss worker on PostgreSQL ──
  const jobs = await startJobs(ctx, { role: 'serve' });
  // Loaded here, not at the top: `worker`, `sync` and the admin commands never need the HTTP stack
  // (the bundle splits it into its own chunk; ADR 0007).
  const { buildApp } = await import('./http/app.js');
  const app = await buildApp({ ...ctx, jobs: jobs.queue });
  // ADR 0010: streams end and HTTP stops while running jobs reach a safe point and are handed
  // back; the database closes last; exit 0 well inside the grace period.
  closeWithGrace({ delay: SERVE_GRACE_MS }, async ({ err, signal }) => {
    if (err) ctx.logger.error({ err }, 'shutting down after an error');
    else ctx.logger.info({ signal }, 'shutting down');
    await Promise.all([
      app.close(),
      jobs.stop({ graceful: true, interrupt: true, timeoutMs: SERVE_GRACE_MS / 2 }),
    ]);
    await ctx.close();
    ctx.logger.info('shut down cleanly');
  });
  const address = await app.listen({ port: config.port, host: config.host });
  ctx.logger.info(
    { address, mode: config.mode, database: database.dialect, publicUrl: config.publicUrl },
    'Coro PSA connector listening',
  );
}

// ── jobs (owner: jobs engineer) ───────────────────────────────────────────────────────────────────
/** `coro-psa worker`: runs queued jobs only (PostgreSQL); drains running jobs on SIGTERM/SIGINT. */
export async function startWorker(config: AppConfig): Promise<void> {
  if (config.database.driver !== 'postgres') throw new JobsUnsupportedError(WORKER_NEEDS_POSTGRES);
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  const jobs = await startJobs(ctx, { role: 'worker' });
  // A sync may need minutes; give running jobs most of the grace period before they are released.
  closeWithGrace({ delay: WORKER_GRACE_MS }, async ({ err, signal }) => {
    if (err) ctx.logger.error({ err }, 'worker shutting down after an error');
    else ctx.logger.info({ signal }, 'worker shutting down');
    await jobs.stop({ graceful: true, interrupt: true, timeoutMs: WORKER_GRACE_MS / 2 });
    await ctx.close();
    ctx.logger.info('worker shut down cleanly');
  });
  ctx.logger.info({ mode: config.mode }, 'Coro PSA worker running');
}
