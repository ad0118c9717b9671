import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { yieldToLoop } from '../lib/event-loop.js';
import { syncLinesAfter, type SyncLineRow } from './sync-run.repository.js';

/** The CSV export of a run's lines (column order and cell escaping are part of the contract). */
const csvCell = (value: unknown): string => {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'number'
        ? String(value)
        : (value as string);
  // Leading =+-@ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+$/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const syncCsvColumns = [
  'workspace',
  'service',
  'company_id',
  'contract',
  'kind',
  'problem',
  'current',
  'target',
  'delta',
  'effective_date',
  'status',
  'message',
  'advice',
] as const;

function csvRow(l: SyncLineRow): string {
  return [
    l.workspace_name,
    l.service_name,
    l.company_id,
    l.contract_name ?? l.contract_id,
    l.kind,
    l.problem,
    l.current_units,
    l.target_units,
    l.delta,
    l.effective_date,
    l.status,
    l.message,
    l.advice,
  ]
    .map(csvCell)
    .join(',');
}

/**
 * The CSV of a run, streamed a page of lines at a time: a big channel's run has tens of thousands
 * of lines, which must not all sit in the server's memory (and a string) for one download. The
 * event loop takes a turn before each page: the stream asks for pages ahead in one go, and with
 * SQLite each read runs on this thread (issue 12: nothing blocks the loop for over 50 ms).
 */
export async function* syncLinesCsvPages(db: Kysely<DB>, runId: string): AsyncGenerator<string> {
  yield `${syncCsvColumns.join(',')}\r\n`;
  let afterSeq = -1;
  for (;;) {
    await yieldToLoop();
    const page = await syncLinesAfter(db, runId, afterSeq, 1_000);
    if (page.length === 0) return;
    yield `${page.map(csvRow).join('\r\n')}\r\n`;
    afterSeq = page[page.length - 1]?.seq ?? afterSeq;
    if (page.length < 1_000) return;
  }
}
