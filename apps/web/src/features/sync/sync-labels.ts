import type { LineKind, SyncLine, SyncRun } from '../../api/sync-types.js';

// The sync page's words for run and line states, shared by its parts.

export const linesPageSize = 50;

export const runStatusChip: Record<
  SyncRun['status'],
  { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }
> = {
  queued: { label: 'Queued', color: 'default' },
  running: { label: 'Running', color: 'info' },
  succeeded: { label: 'Succeeded', color: 'success' },
  partial: { label: 'Partial', color: 'warning' },
  failed: { label: 'Failed', color: 'error' },
};

export const lineChip: Record<
  LineKind,
  { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }
> = {
  unchanged: { label: 'Unchanged', color: 'default' },
  adjust: { label: 'Change', color: 'info' },
  held: { label: 'Held', color: 'warning' },
  skipped: { label: 'Skipped', color: 'default' },
  problem: { label: 'Problem', color: 'error' },
};

export const lineFilters = [
  { key: 'all', label: 'All' },
  { key: 'adjust', label: 'Changes' },
  { key: 'held', label: 'Held' },
  { key: 'problem', label: 'Problems' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'unchanged', label: 'Unchanged' },
] as const;
export type LineFilter = (typeof lineFilters)[number]['key'];

export function lineStatusLabel(line: SyncLine): string {
  switch (line.status) {
    case 'applied':
      return 'Applied';
    case 'failed':
      return 'Failed';
    case 'approved':
      return 'Approved';
    case 'planned':
      return 'Planned';
    case 'stale':
      return 'Stale';
    case 'not_applied':
      return 'Not applied';
    case 'held':
    case 'none':
      return lineChip[line.kind].label;
  }
}
