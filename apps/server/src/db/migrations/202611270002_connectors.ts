import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Tables: connectors, lookup caches (companies, services), workspace and service mappings (with the
// contract pin and the last contract check). One-to-one mapping is enforced by unique constraints,
// not only by application code, so two concurrent admins cannot both win.
export async function up(db: Kysely<unknown>, dialect: DbDialect): Promise<void> {
  // Search keys compare byte-wise on both dialects (SQLite's default BINARY; "C" on PostgreSQL,
  // whose default collation is locale-aware): prefix searches become exact index range scans and
  // both dialects page in the same order.
  const searchKeyType = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;

  await db.schema
    .createTable('psa_connectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_code', 'text')
    .addColumn('status_message', 'text')
    .addColumn('status_advice', 'text')
    .addColumn('username', 'text', (c) => c.notNull())
    // Secret-box envelope (AES-256-GCM, AAD = connector id); the secret itself is never stored.
    .addColumn('secret_box', 'text', (c) => c.notNull())
    // Null: use the server's AUTOTASK_INTEGRATION_CODE.
    .addColumn('integration_code', 'text')
    .addColumn('zone_name', 'text')
    .addColumn('tenant_id', 'text')
    .addColumn('last_verified_at', 'text')
    .addColumn('last_sync_at', 'text')
    .addColumn('next_sync_at', 'text')
    .addColumn('companies_refreshed_at', 'text')
    .addColumn('companies_watermark', 'text')
    .addColumn('services_refreshed_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('psa_connectors_channel_kind_uq', ['channel_id', 'kind'])
    .execute();

  await db.schema
    .createTable('psa_companies')
    .addColumn('connector_id', 'text', (c) => c.notNull().references('psa_connectors.id').onDelete('cascade'))
    .addColumn('psa_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // toSearchKey(name): lower-cased, accent-free; searched with `like '%q%'`.
    .addColumn('search_name', searchKeyType, (c) => c.notNull())
    // normalizeCompanyName(name): the key for exact auto-map.
    .addColumn('match_name', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    // 0 once a full refresh no longer finds the company in the PSA; kept for existing mappings.
    .addColumn('is_present', 'integer', (c) => c.notNull())
    .addColumn('modified_at', 'text')
    .addColumn('refreshed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('psa_companies_pk', ['connector_id', 'psa_id'])
    .execute();
  await db.schema
    .createIndex('psa_companies_search_idx')
    .on('psa_companies')
    .columns(['connector_id', 'search_name'])
    .execute();
  await db.schema
    .createIndex('psa_companies_match_idx')
    .on('psa_companies')
    .columns(['connector_id', 'match_name'])
    .execute();

  await db.schema
    .createTable('psa_services')
    .addColumn('connector_id', 'text', (c) => c.notNull().references('psa_connectors.id').onDelete('cascade'))
    .addColumn('psa_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_name', searchKeyType, (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('is_present', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'double precision')
    .addColumn('modified_at', 'text')
    .addColumn('refreshed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('psa_services_pk', ['connector_id', 'psa_id'])
    .execute();
  await db.schema
    .createIndex('psa_services_search_idx')
    .on('psa_services')
    .columns(['connector_id', 'search_name'])
    .execute();

  await db.schema
    .createTable('workspace_mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull().references('psa_connectors.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('psa_company_id', 'text', (c) => c.notNull())
    .addColumn('pinned_contract_id', 'text')
    .addColumn('check_status', 'text')
    // JSON text: ContractCheckResult of the last check.
    .addColumn('check_json', 'text')
    .addColumn('checked_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('workspace_mappings_workspace_uq', ['connector_id', 'workspace_id'])
    .addUniqueConstraint('workspace_mappings_company_uq', ['connector_id', 'psa_company_id'])
    .addForeignKeyConstraint(
      'workspace_mappings_company_fk',
      ['connector_id', 'psa_company_id'],
      'psa_companies',
      ['connector_id', 'psa_id'],
    )
    .execute();
  await db.schema
    .createIndex('workspace_mappings_workspace_idx')
    .on('workspace_mappings')
    .column('workspace_id')
    .execute();

  await db.schema
    .createTable('service_mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull().references('psa_connectors.id').onDelete('cascade'))
    .addColumn('service_key', 'text', (c) => c.notNull().references('catalog_services.key'))
    .addColumn('psa_service_id', 'text', (c) => c.notNull())
    // 'devices' | 'users'
    .addColumn('billing_basis', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('service_mappings_service_uq', ['connector_id', 'service_key'])
    .addUniqueConstraint('service_mappings_psa_service_uq', ['connector_id', 'psa_service_id'])
    .addForeignKeyConstraint(
      'service_mappings_psa_service_fk',
      ['connector_id', 'psa_service_id'],
      'psa_services',
      ['connector_id', 'psa_id'],
    )
    .execute();
}
