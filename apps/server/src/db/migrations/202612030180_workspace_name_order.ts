import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// The workspace-mapping page sorts a channel's children by lower(display_name), id and shows 50
// (issue 12: 47 ms of CPU per page at 5,000 children, a full sort each time). With this index both
// dialects walk the children in page order and stop after the page.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`create index workspaces_parent_name_idx on workspaces (parent_id, kind, lower(display_name), id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`drop index workspaces_parent_name_idx`.execute(db);
}
