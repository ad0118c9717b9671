import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// users.must_change_password: 1 for an account created by a channel admin with a one-time password
// (team onboarding without SMTP); signing in then only allows changing it. 0/1 integer flag.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
