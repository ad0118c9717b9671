import type { Kysely } from 'kysely';

import { envelopeKeyId, type SecretBox, type SecretBoxFailure } from '../crypto/secret-box.js';
import type { DB } from '../db/schema.js';
import {
  countSealed,
  readSealedPage,
  readSealedRow,
  replaceSealed,
  sealedColumns,
  type SealedColumn,
  type SealedRow,
} from './sealed-columns.js';

/**
 * Re-sealing stored secrets under the ring's primary key (ADR 0006, `coro-psa keys rotate`), and
 * counting them per key id (`coro-psa keys status`). Plaintexts live only inside `planReseal`.
 */

export type ResealPlan =
  | { readonly kind: 'current' }
  | { readonly kind: 'reseal'; readonly fromKeyId: string; readonly envelope: string }
  | { readonly kind: 'failed'; readonly failure: SecretBoxFailure; readonly keyId: string | null };

/**
 * What to do with one envelope. Opens every envelope, those under the primary key too, so a run
 * that reports no failure proves every stored secret opens with the configured ring.
 */
export function planReseal(box: SecretBox, envelope: string, aad: string): ResealPlan {
  const keyId = envelopeKeyId(envelope);
  const opened = box.open(envelope, aad);
  if (!opened.ok || keyId === null)
    return { kind: 'failed', failure: opened.ok ? 'malformed' : opened.error, keyId };
  if (keyId === box.primaryKeyId) return { kind: 'current' };
  const next = box.seal(opened.value, aad);
  const check = box.open(next, aad);
  // Never write an envelope that does not give the same secret back.
  if (!check.ok || check.value !== opened.value) throw new Error('re-sealed envelope does not round-trip');
  return { kind: 'reseal', fromKeyId: keyId, envelope: next };
}

/** `kept_changing`: the app rewrote the row on every attempt (compare-and-swap kept losing). */
export type RotationFailureReason = SecretBoxFailure | 'kept_changing';

export interface RotationFailure {
  readonly column: SealedColumn;
  readonly rowId: string;
  readonly keyId: string | null;
  readonly reason: RotationFailureReason;
}

/** Why a row was left as is and what the operator does next. Names ids only, never values. */
export function describeFailure(failure: RotationFailure, ringKeyIds: readonly string[]): string {
  const what = `${failure.column.name} of ${failure.column.owner} ${failure.rowId}`;
  const key = failure.keyId === null ? '' : ` "${failure.keyId}"`;
  const reenter = `If that key is lost: ${failure.column.reenter}.`;
  switch (failure.reason) {
    case 'unknown_key':
      return (
        `${what} is sealed under key${key}, which is not in ENCRYPTION_KEYS (${ringKeyIds.join(', ')}). ` +
        `Add that key back to ENCRYPTION_KEYS after the primary and run \`coro-psa keys rotate\` again. ${reenter}`
      );
    case 'auth_failed':
      return (
        `${what} names key${key} but that key does not open it: the key material under that id differs from the ` +
        `one it was sealed with (an id reused for a new key?), or the stored value was altered or copied from another row. ` +
        `Put the original key material back under that id and run \`coro-psa keys rotate\` again. ${reenter}`
      );
    case 'malformed':
      return `${what} is not a secret-box envelope (corrupted, or written outside the app), so no key opens it. To replace it: ${failure.column.reenter}.`;
    case 'kept_changing':
      return `${what} kept changing while it was being re-sealed (the app is writing it). Run \`coro-psa keys rotate\` again.`;
  }
}

export interface ColumnRotation {
  readonly column: SealedColumn;
  /** Re-sealed rows, per key id they were sealed under before. */
  readonly resealedFrom: ReadonlyMap<string, number>;
  readonly resealed: number;
  readonly current: number;
  readonly failures: readonly RotationFailure[];
}

export interface RotationReport {
  readonly primaryKeyId: string;
  readonly columns: readonly ColumnRotation[];
  readonly resealed: number;
  readonly current: number;
  readonly failures: readonly RotationFailure[];
}

export interface RotateOptions {
  /** Rows per read and per write transaction. */
  readonly batchSize: number;
  /** Called once with the total, then after every batch. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Columns to walk (tests); default: every registered sealed column. */
  readonly columns?: readonly SealedColumn[];
}

/** Attempts for a row whose compare-and-swap lost to a concurrent write. */
const CONCURRENT_ATTEMPTS = 3;

/**
 * Re-seals every stored secret under `box`'s primary key. Each batch is written in one
 * transaction and every write is a compare-and-swap on the old envelope; the old envelope stays
 * valid (its key is still in the ring) until its row commits, so stopping at any point loses
 * nothing and a second run re-seals only what is left. Rows that no key opens are reported and
 * skipped; the others still rotate.
 */
export async function rotateSecrets(
  db: Kysely<DB>,
  box: SecretBox,
  options: RotateOptions,
): Promise<RotationReport> {
  const columns = options.columns ?? sealedColumns;
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  let total = 0;
  for (const column of columns) total += await countSealed(db, column);
  let done = 0;
  options.onProgress?.(done, total);

  const results: ColumnRotation[] = [];
  for (const column of columns) {
    const resealedFrom = new Map<string, number>();
    const failures: RotationFailure[] = [];
    let current = 0;
    const apply = async (rows: readonly SealedRow[]): Promise<string[]> => {
      const writes: { row: SealedRow; plan: Extract<ResealPlan, { kind: 'reseal' }> }[] = [];
      for (const row of rows) {
        const plan = planReseal(box, row.envelope, column.aad(row.id));
        if (plan.kind === 'current') current += 1;
        else if (plan.kind === 'failed')
          failures.push({ column, rowId: row.id, keyId: plan.keyId, reason: plan.failure });
        else writes.push({ row, plan });
      }
      if (writes.length === 0) return [];
      const lost: string[] = [];
      await db.transaction().execute(async (trx) => {
        for (const { row, plan } of writes) {
          if (await replaceSealed(trx, column, row.id, row.envelope, plan.envelope)) {
            resealedFrom.set(plan.fromKeyId, (resealedFrom.get(plan.fromKeyId) ?? 0) + 1);
          } else {
            lost.push(row.id);
          }
        }
      });
      // Counted only once committed: a rolled-back batch throws before this line.
      return lost;
    };

    let afterId = '';
    for (;;) {
      const rows = await readSealedPage(db, column, afterId, batchSize);
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1]?.id ?? afterId;
      let lost = await apply(rows);
      // A row an admin rewrote meanwhile: read it again and re-plan (it may now be current).
      for (let attempt = 1; lost.length > 0 && attempt < CONCURRENT_ATTEMPTS; attempt++) {
        const again: SealedRow[] = [];
        for (const id of lost) {
          const row = await readSealedRow(db, column, id);
          if (row) again.push(row);
        }
        lost = await apply(again);
      }
      for (const rowId of lost) failures.push({ column, rowId, keyId: null, reason: 'kept_changing' });
      done += rows.length;
      options.onProgress?.(done, Math.max(total, done));
    }
    let resealed = 0;
    for (const n of resealedFrom.values()) resealed += n;
    results.push({ column, resealedFrom, resealed, current, failures });
  }
  return {
    primaryKeyId: box.primaryKeyId,
    columns: results,
    resealed: results.reduce((n, c) => n + c.resealed, 0),
    current: results.reduce((n, c) => n + c.current, 0),
    failures: results.flatMap((c) => c.failures),
  };
}

/** The key id an envelope names, or this marker for a value that is not an envelope. */
export const MALFORMED = '(not an envelope)';

export interface ColumnKeyUsage {
  readonly column: SealedColumn;
  /** Rows per key id named by their envelope (MALFORMED for non-envelopes); nothing is opened. */
  readonly byKeyId: ReadonlyMap<string, number>;
  readonly total: number;
}

/** How many secrets each key id seals, per column. Reads key ids only: no envelope is opened. */
export async function keyUsage(
  db: Kysely<DB>,
  options: { readonly batchSize: number; readonly columns?: readonly SealedColumn[] },
): Promise<ColumnKeyUsage[]> {
  const usage: ColumnKeyUsage[] = [];
  for (const column of options.columns ?? sealedColumns) {
    const byKeyId = new Map<string, number>();
    let total = 0;
    let afterId = '';
    for (;;) {
      const rows = await readSealedPage(db, column, afterId, Math.max(1, options.batchSize));
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1]?.id ?? afterId;
      for (const row of rows) {
        const keyId = envelopeKeyId(row.envelope) ?? MALFORMED;
        byKeyId.set(keyId, (byKeyId.get(keyId) ?? 0) + 1);
        total += 1;
      }
    }
    usage.push({ column, byKeyId, total });
  }
  return usage;
}
