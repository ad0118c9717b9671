/**
 * Undo of a run, decided line by line. Pure: the undo service reads the run's applied writes (the
 * ledger), the reversals already recorded and the units the PSA holds now; this decides what to
 * write. The PSA cannot delete an adjustment, so undo is an opposing one that brings the units
 * back to what they were before the run; a line whose units moved since the run (by hand, or a
 * later run) is a conflict, written only when the admin explicitly includes it.
 */
import type { UndoCounts, UndoDecision } from '@coro/contracts';

/** One write of the original run, as the ledger recorded it, and what stands now. */
export interface UndoCandidate {
  readonly lineId: string;
  /** False for lines whose write failed or never went out: nothing to reverse. */
  readonly isApplied: boolean;
  /** Units before and after the run's adjustment. */
  readonly fromUnits: number;
  readonly toUnits: number;
  /** Units the PSA holds now; null when they could not be read. */
  readonly currentUnits: number | null;
  /** The line's reversal in the ledger, if an earlier undo wrote one. */
  readonly reversal: 'none' | 'pending' | 'applied';
}

export interface UndoSelection {
  /** Only these lines of the run (all applied lines when absent). */
  readonly lineIds?: ReadonlySet<string>;
  /** Conflicting lines the admin chose to reverse anyway. */
  readonly includeConflicts?: ReadonlySet<string>;
}

export interface UndoItem {
  readonly lineId: string;
  readonly decision: UndoDecision;
  readonly appliedUnits: number;
  readonly currentUnits: number | null;
  readonly undoUnits: number;
  /** The opposing adjustment: undo units − current units; 0 when nothing is written. */
  readonly delta: number;
  readonly isIncluded: boolean;
}

export interface UndoPlan {
  readonly items: readonly UndoItem[];
  readonly counts: UndoCounts;
}

function decide(c: UndoCandidate): UndoDecision {
  if (c.reversal === 'applied') return 'already_reversed';
  if (c.reversal === 'pending') return 'reversal_pending';
  if (c.currentUnits === null) return 'unreadable';
  if (c.currentUnits === c.toUnits) return 'reversal';
  if (c.currentUnits === c.fromUnits) return 'already_at_prior';
  return 'conflict';
}

/** Lines that were not applied, or not selected, are left out: undo has nothing to say about them. */
export function planUndo(candidates: readonly UndoCandidate[], selection: UndoSelection = {}): UndoPlan {
  const items: UndoItem[] = [];
  for (const c of candidates) {
    if (!c.isApplied || c.fromUnits === c.toUnits) continue;
    if (selection.lineIds && !selection.lineIds.has(c.lineId)) continue;
    const decision = decide(c);
    const isIncluded =
      decision === 'reversal' ||
      (decision === 'conflict' && selection.includeConflicts?.has(c.lineId) === true);
    items.push({
      lineId: c.lineId,
      decision,
      appliedUnits: c.toUnits,
      currentUnits: c.currentUnits,
      undoUnits: c.fromUnits,
      delta: isIncluded ? c.fromUnits - (c.currentUnits ?? 0) : 0,
      isIncluded,
    });
  }
  return { items, counts: countUndo(items) };
}

function countUndo(items: readonly UndoItem[]): UndoCounts {
  const counts = {
    reversals: 0,
    conflicts: 0,
    conflictsIncluded: 0,
    unitsUp: 0,
    unitsDown: 0,
    settled: 0,
    unreadable: 0,
  };
  for (const item of items) {
    if (item.decision === 'reversal') counts.reversals++;
    else if (item.decision === 'conflict') {
      counts.conflicts++;
      if (item.isIncluded) counts.conflictsIncluded++;
    } else if (item.decision === 'unreadable' || item.decision === 'reversal_pending') counts.unreadable++;
    else counts.settled++;
    if (item.delta > 0) counts.unitsUp += item.delta;
    else counts.unitsDown -= item.delta;
  }
  return counts;
}
