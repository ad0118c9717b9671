import { prop } from './filter.js';
import { ApiError } from '../api-error.js';

export const maxPageSize = 500;

export interface QueryBody {
  filter: unknown;
  includeFields: readonly string[] | null;
  maxRecords: number | null;
}

/**
 * Parses query JSON the way the API binds it: property names case-insensitive, and — as clients in the
 * wild send `search={'filter':[...]}` — single-quoted pseudo-JSON too.
 */
export function parseQueryText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      return JSON.parse(text.replace(/'/g, '"')) as unknown;
    } catch {
      throw new ApiError('The query could not be parsed as JSON.', 400);
    }
  }
}

export function readQueryBody(parsed: unknown): QueryBody {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError('Invalid query syntax. The query must be a JSON object.');
  }
  const body = parsed as Record<string, unknown>;
  const rawInclude = prop(body, 'IncludeFields');
  const includeFields = Array.isArray(rawInclude) && rawInclude.length > 0 ? rawInclude.map(String) : null;
  const rawMax = prop(body, 'MaxRecords');
  let maxRecords: number | null = null;
  if (rawMax !== undefined && rawMax !== null) {
    const n = Number(rawMax);
    if (!Number.isInteger(n) || n < 1 || n > maxPageSize) {
      throw new ApiError('maxCountOfRecordsToReturn must be between 1 and 500');
    }
    maxRecords = n;
  }
  return { filter: prop(body, 'Filter'), includeFields, maxRecords };
}
