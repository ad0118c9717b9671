import type { EntityRecord } from '../entities/entity-types.js';
import type { CandidateHint, RecordSource } from '../store/table.js';
import type { Predicate } from './filter.js';
import { ApiError } from '../api-error.js';

/**
 * Autotask's keyset cursor: `nextIds[0]` is the first id of the page the cursor points at and
 * `previousIds` the first ids of the pages before it (-1 standing for "from the start").
 */
export interface PagingCursor {
  pageSize: number;
  previousIds: number[];
  nextIds: number[];
}

export const firstPageStart = -1;

export function parseCursor(text: string | null): PagingCursor {
  if (text === null) throw new ApiError('The paging parameter is required.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('The paging parameter is not valid.');
  }
  const obj = parsed as Partial<Record<string, unknown>>;
  const isIdList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));
  const { pageSize, previousIds, nextIds } = obj;
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) {
    throw new ApiError('The paging parameter is not valid.');
  }
  if (!isIdList(previousIds) || !isIdList(nextIds) || nextIds.length === 0) {
    throw new ApiError('The paging parameter is not valid.');
  }
  return { pageSize, previousIds, nextIds };
}

export interface Page {
  items: EntityRecord[];
  /** First id of the following page, or null on the last page. */
  nextStart: number | null;
}

/** Reads one page of matches starting at `startId`, looking one row ahead to know whether more exist. */
export function readPage(
  source: RecordSource,
  predicate: Predicate,
  hint: CandidateHint,
  startId: number,
  pageSize: number,
): Page {
  const items: EntityRecord[] = [];
  for (const record of source.scan(startId, hint)) {
    if (!predicate(record)) continue;
    if (items.length === pageSize) return { items, nextStart: record.id };
    items.push(record);
  }
  return { items, nextStart: null };
}

export function countMatches(source: RecordSource, predicate: Predicate, hint: CandidateHint): number {
  let n = 0;
  for (const record of source.scan(firstPageStart, hint)) if (predicate(record)) n++;
  return n;
}

export interface PageLinks {
  prevPageUrl: string | null;
  nextPageUrl: string | null;
}

/**
 * `search=` is only appended for GET-initiated queries: a POSTed query's next page must be POSTed
 * again with the same body (a GET on it answers 405), exactly as the real API behaves.
 */
export function pageLinks(
  base: string,
  cursor: PagingCursor,
  nextStart: number | null,
  searchText: string | null,
): PageLinks {
  const suffix = searchText === null ? '' : `&search=${encodeURIComponent(searchText)}`;
  const url = (c: PagingCursor): string => `${base}?paging=${encodeURIComponent(JSON.stringify(c))}${suffix}`;
  const currentStart = cursor.nextIds[0] ?? firstPageStart;
  const nextPageUrl =
    nextStart === null
      ? null
      : url({
          pageSize: cursor.pageSize,
          previousIds: [...cursor.previousIds, currentStart],
          nextIds: [nextStart],
        });
  const previousStart = cursor.previousIds.at(-1);
  const prevPageUrl =
    previousStart === undefined
      ? null
      : url({
          pageSize: cursor.pageSize,
          previousIds: cursor.previousIds.slice(0, -1),
          nextIds: [previousStart],
        });
  return { prevPageUrl, nextPageUrl };
}
