import { describe, expect, it } from 'vitest';

import { planUndo, type UndoCandidate } from './undo-plan.js';

/** The run moved the line 10 → 14; the PSA holds 14 now unless a row says otherwise. */
const line = (patch: Partial<UndoCandidate> = {}): UndoCandidate => ({
  lineId: 'l1',
  isApplied: true,
  fromUnits: 10,
  toUnits: 14,
  currentUnits: 14,
  reversal: 'none',
  ...patch,
});

describe('planUndo', () => {
  it.each([
    ['untouched line → reversal back to the prior units', line(), 'reversal', -4, true],
    [
      'a decrease reverses upwards',
      line({ fromUnits: 20, toUnits: 5, currentUnits: 5 }),
      'reversal',
      15,
      true,
    ],
    ['hand-edited since the run → conflict, not written', line({ currentUnits: 17 }), 'conflict', 0, false],
    [
      'already reversed by an earlier undo → nothing',
      line({ reversal: 'applied' }),
      'already_reversed',
      0,
      false,
    ],
    ['reversal still settling → nothing now', line({ reversal: 'pending' }), 'reversal_pending', 0, false],
    [
      'units already back at the prior value → nothing',
      line({ currentUnits: 10 }),
      'already_at_prior',
      0,
      false,
    ],
    ['PSA could not be read → nothing', line({ currentUnits: null }), 'unreadable', 0, false],
  ] as const)('%s', (_name, candidate, decision, delta, isIncluded) => {
    const [item] = planUndo([candidate]).items;
    expect(item).toMatchObject({ decision, delta, isIncluded, appliedUnits: candidate.toUnits });
  });

  it.each([
    ['failed or never sent', line({ isApplied: false })],
    ['no change', line({ fromUnits: 14 })],
  ])('leaves out a line that was %s', (_name, candidate) => {
    expect(planUndo([candidate]).items).toStrictEqual([]);
  });

  it('reverses a conflict only when the admin includes it, back to the prior units', () => {
    const conflict = line({ lineId: 'c', currentUnits: 17 });
    const included = planUndo([conflict], { includeConflicts: new Set(['c']) });
    expect(included.items[0]).toMatchObject({
      decision: 'conflict',
      isIncluded: true,
      delta: -7,
      undoUnits: 10,
    });
    expect(included.counts).toMatchObject({ conflicts: 1, conflictsIncluded: 1, unitsDown: 7, unitsUp: 0 });
  });

  it('keeps to the selected lines and counts units both ways', () => {
    const plan = planUndo(
      [
        line({ lineId: 'a' }),
        line({ lineId: 'b', fromUnits: 3, toUnits: 1, currentUnits: 1 }),
        line({ lineId: 'c' }),
        line({ lineId: 'd', reversal: 'applied' }),
      ],
      { lineIds: new Set(['a', 'b', 'd']) },
    );
    expect(plan.items.map((i) => i.lineId)).toStrictEqual(['a', 'b', 'd']);
    expect(plan.counts).toStrictEqual({
      reversals: 2,
      conflicts: 0,
      conflictsIncluded: 0,
      unitsUp: 2,
      unitsDown: 4,
      settled: 1,
      unreadable: 0,
    });
  });
});
