import { describe, expect, it } from 'vitest';

import { diffIntervals, splitExtensions, type MemberInterval } from './member-intervals.js';

const iv = (memberId: string, firstDay: string, lastDay: string, label = memberId): MemberInterval => ({
  memberId,
  label,
  firstDay,
  lastDay,
});

describe('splitExtensions', () => {
  it('turns "same member, same start, later end" into an extension and leaves the rest', () => {
    const before = [
      iv('a', '2026-12-01', '2026-12-02'),
      iv('b', '2026-12-01', '2026-12-02'),
      iv('c', '2026-11-01', '2026-11-05'),
    ];
    const after = [
      iv('a', '2026-12-01', '2026-12-03'), // extended by a day
      iv('b', '2026-12-01', '2026-12-02'), // unchanged: not in the diff at all
      iv('c', '2026-11-01', '2026-11-04'), // shortened: a delete and an insert, never an "extension"
      iv('d', '2026-12-03', '2026-12-03'), // new member
    ];
    const split = splitExtensions(diffIntervals(before, after));
    expect(split.extended).toEqual([{ before: iv('a', '2026-12-01', '2026-12-02'), lastDay: '2026-12-03' }]);
    expect(split.removed).toEqual([iv('c', '2026-11-01', '2026-11-05')]);
    expect(split.added).toEqual([iv('c', '2026-11-01', '2026-11-04'), iv('d', '2026-12-03', '2026-12-03')]);
  });

  it('does not extend across a renamed member (the label is part of the interval)', () => {
    const split = splitExtensions(
      diffIntervals(
        [iv('a', '2026-12-01', '2026-12-02', 'old')],
        [iv('a', '2026-12-01', '2026-12-03', 'new')],
      ),
    );
    expect(split.extended).toEqual([]);
    expect(split.removed).toHaveLength(1);
    expect(split.added).toHaveLength(1);
  });
});
