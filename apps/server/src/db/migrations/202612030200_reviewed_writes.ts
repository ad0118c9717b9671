import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Reviewed writes (issue 10):
// - sync_run_lines.unit_price: the PSA's price per unit on the line's contract service, so a
//   preview, an approval and a finished run can state their money impact without reading again.
// - sync_runs.preview_run_id: an apply run made from a reviewed preview names that preview.
// - sync_settings.schedule_armed_at: the daily schedule runs only once an admin applied a reviewed
//   preview or started it explicitly. Connectors that exist before this migration keep their
//   schedule: their rows are armed here, and connectors without a settings row get one (default
//   policy: `{}` reads as the defaults), so no running connector stops syncing on upgrade.
// - psa_connectors.currency: the PSA's (internal) currency, read when the credentials are verified.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema.alterTable('sync_run_lines').addColumn('unit_price', 'double precision').execute();
  await db.schema.alterTable('sync_runs').addColumn('preview_run_id', 'text').execute();
  await db.schema.alterTable('sync_settings').addColumn('schedule_armed_at', 'text').execute();
  await db.schema.alterTable('psa_connectors').addColumn('currency', 'text').execute();
  await sql`update sync_settings set schedule_armed_at = updated_at`.execute(db);
  await sql`
    insert into sync_settings
      (connector_id, policy_json, is_schedule_enabled, schedule_time, updated_by, created_at, updated_at, schedule_armed_at)
    select c.id, '{}', 1, '06:00', null, c.created_at, c.created_at, c.created_at
    from psa_connectors c
    where not exists (select 1 from sync_settings s where s.connector_id = c.id)
  `.execute(db);
}
