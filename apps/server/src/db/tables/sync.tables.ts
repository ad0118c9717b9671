// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the owner of this area
export interface SyncTables extends JobTables {}

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
