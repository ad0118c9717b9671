import { sql, type Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// /api/auth/me lists every channel by display_name (accessibleChannels). Without an index on kind
// both dialects scan every workspace, children included (issue 12: 0.25 ms of each call at 5,000
// children for a handful of channels). With it the channels are read in answer order.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`create index workspaces_kind_name_idx on workspaces (kind, display_name)`.execute(db);
}

export async function down(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await sql`drop index workspaces_kind_name_idx`.execute(db);
}
