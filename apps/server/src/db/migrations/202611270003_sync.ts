import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Tables: job queue, sync runs, run lines, adjustment ledger, settings.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  // filled in by the owner of this area

  // ── jobs + notifications block (owner: jobs engineer; keep last in up()) ──
  await upJobsAndNotifications(db);
}

// ── jobs + notifications block (owner: jobs engineer) ─────────────────────────────────────────────
// The embedded queue (LocalQueue) lives in the same database as the data it acts on, so a job and
// the rows it writes share backups and need no second store. pg-boss keeps its own schema instead.
async function upJobsAndNotifications(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // 'queued' | 'active' | 'completed' | 'failed' | 'cancelled' (LOCAL_JOB_STATES)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('singleton_key', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['state', 'run_after']).execute();
  await db.schema.createIndex('jobs_lease_idx').on('jobs').columns(['state', 'lease_until']).execute();
  // At most one queued-or-active job per (name, singleton key): the database, not a read-then-write
  // check, is what makes "never two syncs of one connector" hold across processes.
  await sql`create unique index jobs_singleton_uq on jobs (name, singleton_key)
    where singleton_key is not null and state in ('queued', 'active')`.execute(db);

  // Which cron occurrence was already fanned out, per key: claimed with a conditional upsert so two
  // schedulers never enqueue the same day's sync twice.
  await db.schema
    .createTable('job_schedule_marks')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('occurrence_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Per-connector notification settings. No foreign key to psa_connectors on purpose: the row is
  // optional and is deleted by the connector's removal path, and notifications must not block it.
  await db.schema
    .createTable('notification_settings')
    .addColumn('connector_id', 'text', (c) => c.primaryKey())
    .addColumn('is_email_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    // JSON array of addresses; null means "the channel's admins".
    .addColumn('email_recipients', 'text')
    .addColumn('webhook_url', 'text')
    // Secret-box envelope (AAD bound to the connector id). Never returned by any API.
    .addColumn('webhook_secret_box', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
