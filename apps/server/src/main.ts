import closeWithGrace from 'close-with-grace';

import type { AppConfig } from './config/config.js';
import { SecretBox } from './crypto/secret-box.js';
import { createDatabase, type Database } from './db/database.js';
import { createMigrator, migrateToLatest } from './db/migrator.js';
import { systemClock, type AppContext } from './app/app-context.js';
import { createAutotaskProvider } from './integrations/autotask/index.js';
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
  return {
    config,
    database,
    logger,
    clock: systemClock,
    secretBox: new SecretBox(config.encryptionKeys),
    psaProviders: { autotask },
    close: async () => {
      await autotask.close();
      await database.close();
    },
  };
}

/** `coro-psa serve`: listen, and drain on SIGTERM/SIGINT. */
export async function startServer(config: AppConfig): Promise<void> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  // ── jobs (owner: jobs engineer): the embedded queue on SQLite, one more pg-boss worker on PostgreSQL ──
  const jobs = await startJobs(ctx, { role: 'serve' });
  // Loaded here, not at the top: `worker`, `sync` and the admin commands never need the HTTP stack
  // (the bundle splits it into its own chunk; ADR 0007).
  const { buildApp } = await import('./http/app.js');
  const app = await buildApp({ ...ctx, jobs: jobs.queue });
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) ctx.logger.error({ err }, 'shutting down after an error');
    else ctx.logger.info({ signal }, 'shutting down');
    await app.close();
    await jobs.stop({ graceful: true, timeoutMs: 8_000 });
    await ctx.close();
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
  closeWithGrace({ delay: 60_000 }, async ({ err, signal }) => {
    if (err) ctx.logger.error({ err }, 'worker shutting down after an error');
    else ctx.logger.info({ signal }, 'worker shutting down');
    await jobs.stop({ graceful: true, timeoutMs: 55_000 });
    await ctx.close();
  });
  ctx.logger.info({ mode: config.mode }, 'Coro PSA worker running');
}
