import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Company search orders by search_name, psa_id and shows 25 (issue 12: an empty search cost 4.8 ms
// of CPU at 5,001 companies, a scan and a full sort each time). With psa_id in the index both
// dialects walk the companies in answer order and stop after the page.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`create index psa_companies_search_order_idx on psa_companies (connector_id, search_name, psa_id)`.execute(
    db,
  );
  await sql`drop index psa_companies_search_idx`.execute(db);
}

export async function down(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`create index psa_companies_search_idx on psa_companies (connector_id, search_name)`.execute(db);
  await sql`drop index psa_companies_search_order_idx`.execute(db);
}
