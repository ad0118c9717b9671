import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// usage_member_intervals: who made a count, one row per (line, member, run of consecutive days),
// so a year of daily ingests of an unchanged fleet is one row per member, not 365.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema
    .createTable('usage_member_intervals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('service_key', 'text', (c) => c.notNull())
    // 'device' | 'user'
    .addColumn('member_kind', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    // device name or user e-mail
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('first_day', 'text', (c) => c.notNull())
    .addColumn('last_day', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('usage_member_intervals_line_idx')
    .on('usage_member_intervals')
    .columns(['workspace_id', 'service_key', 'member_kind', 'last_day'])
    .execute();
}
