import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Tables: job queue, sync runs, run lines, adjustment ledger, settings.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await upSync(db);

  // ── jobs + notifications block (owner: jobs engineer; keep last in up()) ──
  await upJobsAndNotifications(db);
}

// ── sync block (owner: sync engineer) ─────────────────────────────────────────────────────────────
// No foreign keys to psa_connectors: a connector's removal path deletes these rows itself, and a
// run's history must not block it. Lines cascade with their run.
async function upSync(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_settings')
    .addColumn('connector_id', 'text', (c) => c.primaryKey())
    // BillingPolicy as JSON text (statuses, unmap, create-service, manual edit, guardrails, time zone)
    .addColumn('policy_json', 'text', (c) => c.notNull())
    .addColumn('is_schedule_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    // HH:MM in the policy's time zone
    .addColumn('schedule_time', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    // SyncRunStatus
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('effective_date', 'text')
    .addColumn('time_zone', 'text')
    .addColumn('requested_by', 'text')
    .addColumn('phase', 'text')
    .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lines_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('adjusted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('problems', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('units_added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('units_removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('psa_reads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('psa_writes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_runs_connector_idx')
    .on('sync_runs')
    .columns(['connector_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('sync_run_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('workspace_name', 'text', (c) => c.notNull())
    .addColumn('service_key', 'text', (c) => c.notNull())
    .addColumn('service_name', 'text', (c) => c.notNull())
    .addColumn('psa_service_id', 'text')
    .addColumn('company_id', 'text')
    .addColumn('contract_id', 'text')
    .addColumn('contract_name', 'text')
    .addColumn('contract_service_id', 'text')
    // LineKind / ProblemCode / HoldReason / SkipReason
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('problem', 'text')
    .addColumn('hold_reason', 'text')
    .addColumn('skip_reason', 'text')
    .addColumn('current_units', 'integer')
    .addColumn('target_units', 'integer')
    .addColumn('delta', 'integer')
    .addColumn('last_confirmed_units', 'integer')
    .addColumn('effective_date', 'text')
    .addColumn('is_deferred', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_unmapped', 'integer', (c) => c.notNull().defaultTo(0))
    // LineStatus: planned | applied | failed | held | approved | not_applied | none
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('advice', 'text')
    .addColumn('detail', 'text')
    .addColumn('ledger_key', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_run_lines_run_idx')
    .on('sync_run_lines')
    .columns(['run_id', 'seq'])
    .execute();

  // One row per adjustment we ever meant to send, keyed by what Autotask itself keeps unique
  // (contract service and effective date): persisted before the POST, confirmed after.
  await db.schema
    .createTable('sync_ledger')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('psa_service_id', 'text', (c) => c.notNull())
    .addColumn('contract_service_id', 'text')
    .addColumn('effective_date', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('from_units', 'integer', (c) => c.notNull())
    .addColumn('to_units', 'integer', (c) => c.notNull())
    .addColumn('unit_change', 'integer', (c) => c.notNull())
    // LedgerState: pending | applied | failed
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('psa_adjustment_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_ledger_state_idx')
    .on('sync_ledger')
    .columns(['connector_id', 'state'])
    .execute();
  await db.schema
    .createIndex('sync_ledger_service_idx')
    .on('sync_ledger')
    .columns(['connector_id', 'contract_id', 'psa_service_id', 'effective_date'])
    .execute();

  // What Autotask held after our last confirmed write or check: a differing read means a hand edit.
  await db.schema
    .createTable('sync_confirmed_units')
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('service_key', 'text', (c) => c.notNull())
    .addColumn('workspace_name', 'text', (c) => c.notNull())
    .addColumn('service_name', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('psa_service_id', 'text', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull())
    .addColumn('as_of_date', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_confirmed_units_pk', ['connector_id', 'workspace_id', 'service_key'])
    .execute();

  // One running apply per connector: a lease, so a crashed worker's run is taken over after expiry.
  await db.schema
    .createTable('sync_locks')
    .addColumn('connector_id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
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
