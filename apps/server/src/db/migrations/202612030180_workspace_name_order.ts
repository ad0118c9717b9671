import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// The workspace-mapping page sorts a channel's children by lower(display_name), id and shows 50
// (issue 12: 47 ms of CPU per page at 5,000 children, a full sort each time). With this index both
// dialects walk the children in page order and stop after the page. The second index lets the
// connector list count mapped and problem rows per connector from the index alone.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`create index workspaces_parent_name_idx on workspaces (parent_id, kind, lower(display_name), id)`.execute(
    db,
  );
  await sql`create index workspace_mappings_check_idx on workspace_mappings (connector_id, check_status)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`drop index workspace_mappings_check_idx`.execute(db);
  await sql`drop index workspaces_parent_name_idx`.execute(db);
}
