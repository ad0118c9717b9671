import type { ReactNode } from 'react';

import type { PickerOption } from './AsyncEntityPicker.js';

export const mappingFilters = ['all', 'mapped', 'unmapped', 'problems'] as const;
export type MappingFilter = (typeof mappingFilters)[number];
export const mappingSorts = ['subject', 'target', 'status'] as const;
export type MappingSort = (typeof mappingSorts)[number];

export interface MappingQuery {
  readonly filter: MappingFilter;
  readonly q: string;
  readonly sort: MappingSort;
  readonly order: 'asc' | 'desc';
  readonly page: number;
  readonly pageSize: number;
}

export const defaultMappingQuery: MappingQuery = {
  filter: 'all',
  q: '',
  sort: 'subject',
  order: 'asc',
  page: 0,
  pageSize: 50,
};

export type StatusTone = 'success' | 'warning' | 'error' | 'default' | 'info';

export interface MappingRowStatus {
  readonly tone: StatusTone;
  readonly label: string;
  /** What is wrong, in one sentence. */
  readonly message?: string | null;
  /** What to do about it. */
  readonly advice?: string | null;
  /** A control that does it right here (e.g. pin the contract). */
  readonly action?: ReactNode;
}

export interface MappingTableRow {
  readonly id: string;
  readonly name: string;
  /** Shown as a small chip next to the name (workspace status, service kind). */
  readonly tag?: string | null;
  readonly target: PickerOption | null;
  readonly status: MappingRowStatus;
  /** A fuzzy match the admin may confirm with one click (never applied automatically). */
  readonly suggestion?: {
    readonly id: string;
    readonly name: string;
    readonly score: number;
    /** Why it is suggested, when not only by a similar name ("known alias"). */
    readonly reason?: string;
  } | null;
}

export interface MappingCounts {
  readonly all: number;
  readonly mapped: number;
  readonly unmapped: number;
  readonly problems: number;
}

export interface ExtraColumn {
  readonly header: string;
  readonly render: (row: MappingTableRow) => ReactNode;
}

const filterLabels: Record<MappingFilter, string> = {
  all: 'All',
  mapped: 'Mapped',
  unmapped: 'Unmapped',
  problems: 'Problems',
};

/** The `data-sort` hook e2e tests use to find a sortable header. */
export const sortHeaders: Record<MappingSort, string> = {
  subject: 'subject',
  target: 'target',
  status: 'status',
};

/** A filter tab's label, with its count once the server has sent the counts. */
export function filterTabLabel(filter: MappingFilter, counts: MappingCounts | undefined): string {
  return counts ? `${filterLabels[filter]} (${counts[filter]})` : filterLabels[filter];
}

/** Clicking the active column flips its order; another column starts ascending. Back to page 1. */
export function sortedQuery(query: MappingQuery, sort: MappingSort): MappingQuery {
  return { ...query, sort, order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc', page: 0 };
}

/** Any change of filter, search or page size starts again on the first page. */
export function firstPageQuery(query: MappingQuery, change: Partial<MappingQuery>): MappingQuery {
  return { ...query, ...change, page: 0 };
}

/** Subject, target and status, plus the extra columns and the actions column when editable. */
export function columnCount(extraColumnCount: number, isReadOnly: boolean): number {
  return 3 + extraColumnCount + (isReadOnly ? 0 : 1);
}

export function emptyMessage(q: string, subjectPlural: string): string {
  return q ? `No ${subjectPlural} match "${q}".` : `No ${subjectPlural} here.`;
}

export function rowsPerPageLabel(subjectPlural: string): string {
  return `${subjectPlural[0]?.toUpperCase() ?? ''}${subjectPlural.slice(1)} per page`;
}

/** Never 100 for a score below 1: "100% match" must mean the same name. */
export function matchPercent(score: number): number {
  return score < 1 ? Math.min(99, Math.round(score * 100)) : 100;
}

/**
 * What a pick in a row's dropdown means: a different target maps, clearing a mapped row asks to
 * unmap, and anything else (the same target, clearing an empty row) does nothing.
 */
export function pickerIntent(
  row: MappingTableRow,
  option: PickerOption | null,
): { readonly kind: 'map'; readonly option: PickerOption } | { readonly kind: 'unmap' } | null {
  if (option && option.id !== row.target?.id) return { kind: 'map', option };
  if (!option && row.target) return { kind: 'unmap' };
  return null;
}
