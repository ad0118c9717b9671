import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// mapping_batches: one row per applied auto-map, so the whole batch can be undone later (after a
// reload or a restart too). Items name the mapping rows the batch created; undo removes only those
// still exactly as the batch left them.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema
    .createTable('mapping_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull().references('psa_connectors.id').onDelete('cascade'))
    // 'auto_map'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('undone_by', 'text')
    .addColumn('undone_at', 'text')
    .execute();
  await db.schema
    .createTable('mapping_batch_items')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('mapping_batches.id').onDelete('cascade'))
    // No foreign key: the mapping may be removed by hand; undo then reports it as removed since.
    .addColumn('mapping_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('psa_company_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mapping_batch_items_pk', ['batch_id', 'mapping_id'])
    .execute();
}
