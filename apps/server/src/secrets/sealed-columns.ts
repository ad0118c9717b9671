import { sql, type Kysely } from 'kysely';

import { connectorSecretAad } from '../connectors/connector.service.js';
import type { DB } from '../db/schema.js';
import { webhookSecretAad } from '../notifications/notification-settings.repository.js';

/**
 * Every database column that holds a secret-box envelope (ADR 0006). `coro-psa keys status` and
 * `coro-psa keys rotate` walk exactly this list, so a new sealed column must be added here — the
 * keys CLI test fails when a `*_box` column exists that is not listed.
 */
export interface SealedColumn {
  /** `table.column`, as the keys commands print it. */
  readonly name: string;
  /** What an operator recognises. */
  readonly label: string;
  /** What the row id identifies, for messages ("connector 0193…"). */
  readonly owner: string;
  /** The AAD the envelope was sealed with: the same function the writer uses, never a copy. */
  readonly aad: (rowId: string) => string;
  /** How to replace a value that no key in the ring opens any more. */
  readonly reenter: string;
  readonly table: keyof DB;
  readonly idColumn: string;
  readonly column: string;
}

function sealedColumn<T extends keyof DB>(spec: {
  readonly table: T;
  readonly idColumn: keyof DB[T] & string;
  readonly column: keyof DB[T] & string;
  readonly label: string;
  readonly owner: string;
  readonly aad: (rowId: string) => string;
  readonly reenter: string;
}): SealedColumn {
  return { ...spec, name: `${spec.table}.${spec.column}` };
}

export const sealedColumns: readonly SealedColumn[] = [
  sealedColumn({
    table: 'psa_connectors',
    idColumn: 'id',
    column: 'secret_box',
    label: 'PSA connector credentials',
    owner: 'connector',
    aad: connectorSecretAad,
    reenter:
      "enter the connector's PSA secret again (PUT /api/channels/<channel>/connectors/<id>/credentials, or remove and re-add the connector in the console)",
  }),
  sealedColumn({
    table: 'notification_settings',
    idColumn: 'connector_id',
    column: 'webhook_secret_box',
    label: 'notification webhook secrets',
    owner: 'connector',
    aad: webhookSecretAad,
    reenter: "set the connector's notification webhook secret again",
  }),
];

export interface SealedRow {
  readonly id: string;
  readonly envelope: string;
}

/**
 * Keyset page of non-null envelopes in id order, after `afterId` ('' for the first page). Table and
 * column names come from the typed registry above, never from input.
 */
export async function readSealedPage(
  db: Kysely<DB>,
  column: SealedColumn,
  afterId: string,
  limit: number,
): Promise<SealedRow[]> {
  const id = sql.ref(column.idColumn);
  const value = sql.ref(column.column);
  const result = await sql<SealedRow>`
    select ${id} as id, ${value} as envelope from ${sql.table(column.table)}
    where ${value} is not null and ${id} > ${afterId}
    order by ${id} limit ${limit}`.execute(db);
  return result.rows;
}

export async function readSealedRow(
  db: Kysely<DB>,
  column: SealedColumn,
  rowId: string,
): Promise<SealedRow | undefined> {
  const id = sql.ref(column.idColumn);
  const value = sql.ref(column.column);
  const result = await sql<SealedRow>`
    select ${id} as id, ${value} as envelope from ${sql.table(column.table)}
    where ${value} is not null and ${id} = ${rowId}`.execute(db);
  return result.rows[0];
}

export async function countSealed(db: Kysely<DB>, column: SealedColumn): Promise<number> {
  const value = sql.ref(column.column);
  const result = await sql<{ n: number | string }>`
    select count(*) as n from ${sql.table(column.table)} where ${value} is not null`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Compare-and-swap: writes `next` only while the row still holds `expected`, so a secret an admin
 * changed during the rotation is never overwritten with the re-sealed old one. Leaves updated_at
 * alone: the secret itself did not change.
 */
export async function replaceSealed(
  db: Kysely<DB>,
  column: SealedColumn,
  rowId: string,
  expected: string,
  next: string,
): Promise<boolean> {
  const id = sql.ref(column.idColumn);
  const value = sql.ref(column.column);
  const result = await sql`
    update ${sql.table(column.table)} set ${value} = ${next}
    where ${id} = ${rowId} and ${value} = ${expected}`.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}
