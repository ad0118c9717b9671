import type { Generated } from 'kysely';

export interface SyncTables extends SyncOwnTables, JobTables {}

// ── sync block (owner: sync engineer) ─────────────────────────────────────────────────────────────
export interface SyncSettingsTable {
  connector_id: string;
  /** BillingPolicy as JSON text. */
  policy_json: string;
  is_schedule_enabled: number;
  /** HH:MM in the policy's time zone. */
  schedule_time: string;
  /** When the daily schedule may start: the first reviewed apply, or an explicit start (null: not yet). */
  schedule_armed_at: string | null;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncRunsTable {
  id: string;
  connector_id: string;
  /** 'apply' | 'dry-run' */
  mode: string;
  /** 'schedule' | 'manual' | 'cli' | 'approval' */
  trigger: string;
  /** SyncRunStatus */
  status: string;
  effective_date: string | null;
  time_zone: string | null;
  requested_by: string | null;
  phase: string | null;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  lines_total: Generated<number>;
  unchanged: Generated<number>;
  adjusted: Generated<number>;
  held: Generated<number>;
  skipped: Generated<number>;
  problems: Generated<number>;
  failed: Generated<number>;
  units_added: Generated<number>;
  units_removed: Generated<number>;
  psa_reads: Generated<number>;
  psa_writes: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  /** SyncWait as JSON while the run waits on the PSA's request budget; null otherwise. */
  wait_json: string | null;
  /** Set when a run interrupted by a shutdown resumed (migration 202612030160). */
  resumed_at: string | null;
  /** An apply run made from a reviewed preview: the preview's run id (migration 202612030200). */
  preview_run_id: string | null;
  /** An undo run: the run it reverses (migration 202612030300). */
  undo_of_run_id: string | null;
  /** On a run that was undone: 'undone' | 'partially_undone' (UndoState); null otherwise. */
  undo_state: string | null;
}

export interface SyncRunLinesTable {
  id: string;
  run_id: string;
  seq: number;
  workspace_id: string;
  workspace_name: string;
  service_key: string;
  service_name: string;
  psa_service_id: string | null;
  company_id: string | null;
  contract_id: string | null;
  contract_name: string | null;
  contract_service_id: string | null;
  kind: string;
  problem: string | null;
  hold_reason: string | null;
  skip_reason: string | null;
  current_units: number | null;
  target_units: number | null;
  delta: number | null;
  last_confirmed_units: number | null;
  effective_date: string | null;
  is_deferred: number;
  is_unmapped: number;
  /** LineStatus */
  status: string;
  message: string;
  advice: string | null;
  detail: string | null;
  ledger_key: string | null;
  approved_by: string | null;
  approved_at: string | null;
  updated_at: string;
  /** The PSA's price per unit per month for the line's contract service, when known. */
  unit_price: number | null;
  /** An undo run's line: the original run's line it reverses. */
  reverses_line_id: string | null;
}

export interface SyncLedgerTable {
  /** connector:contract:service:date — what the PSA keeps unique per adjustment. */
  key: string;
  connector_id: string;
  contract_id: string;
  psa_service_id: string;
  contract_service_id: string | null;
  effective_date: string;
  run_id: string;
  line_id: string;
  from_units: number;
  to_units: number;
  unit_change: number;
  /** LedgerState: 'pending' | 'applied' | 'failed' */
  state: string;
  attempts: number;
  psa_adjustment_id: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncConfirmedUnitsTable {
  connector_id: string;
  workspace_id: string;
  service_key: string;
  workspace_name: string;
  service_name: string;
  company_id: string;
  contract_id: string;
  psa_service_id: string;
  units: number;
  as_of_date: string;
  run_id: string;
  confirmed_at: string;
}

export interface SyncLocksTable {
  connector_id: string;
  run_id: string;
  expires_at: string;
}

export interface SyncOwnTables {
  sync_settings: SyncSettingsTable;
  sync_runs: SyncRunsTable;
  sync_run_lines: SyncRunLinesTable;
  sync_ledger: SyncLedgerTable;
  sync_confirmed_units: SyncConfirmedUnitsTable;
  sync_locks: SyncLocksTable;
}

// ── jobs + notifications block (owner: jobs engineer) ─────────────────────────────────────────────
/** The embedded queue's table (LocalQueue). See src/jobs/local/local-queue.ts. */
export interface JobsTable {
  id: string;
  name: string;
  /** JSON text, validated against the job catalog before insert. Ids only, never secrets. */
  payload: string;
  /** LocalJobState */
  state: string;
  attempts: number;
  max_attempts: number;
  run_after: string;
  lease_until: string | null;
  lease_owner: string | null;
  singleton_key: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface JobScheduleMarksTable {
  key: string;
  occurrence_at: string;
  updated_at: string;
}

export interface NotificationSettingsTable {
  connector_id: string;
  is_email_enabled: number;
  /** JSON array of addresses, or null for the channel's admins. */
  email_recipients: string | null;
  webhook_url: string | null;
  webhook_secret_box: string | null;
  created_at: string;
  updated_at: string;
}

export interface JobTables {
  jobs: JobsTable;
  job_schedule_marks: JobScheduleMarksTable;
  notification_settings: NotificationSettingsTable;
}
