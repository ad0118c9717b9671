/**
 * Membership behind a count is kept as intervals (member, first day, last day): storage grows with
 * changes, not with days. An interval is a maximal run of consecutive calendar days on which the
 * member was reported; a day without a report for the line breaks it (we do not know who was
 * there), so intervals stay exact across gaps, back-fills and re-ingests. Pure, no I/O.
 */

export interface MemberInterval {
  readonly memberId: string;
  /** Device name or user e-mail, as last reported within the interval. */
  readonly label: string;
  readonly firstDay: string;
  readonly lastDay: string;
}

export interface ReportedMember {
  readonly id: string;
  readonly label: string;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The intervals of one line after `day` was reported with exactly `members`: reported members
 * gain the day (merging with the intervals that end the day before or start the day after); every
 * other member loses it (its interval splits around it).
 */
export function applyReportedDay(
  intervals: readonly MemberInterval[],
  day: string,
  members: readonly ReportedMember[],
): MemberInterval[] {
  const present = new Map(members.map((m) => [m.id, m.label]));
  const before = addDays(day, -1);
  const after = addDays(day, 1);
  const result: MemberInterval[] = [];
  const byMember = new Map<string, MemberInterval[]>();
  for (const interval of intervals) {
    const list = byMember.get(interval.memberId) ?? [];
    list.push(interval);
    byMember.set(interval.memberId, list);
  }
  for (const id of present.keys()) if (!byMember.has(id)) byMember.set(id, []);

  for (const [memberId, list] of byMember) {
    const label = present.get(memberId);
    if (label === undefined) {
      for (const interval of list) {
        if (interval.firstDay > day || interval.lastDay < day) result.push(interval);
        else {
          if (interval.firstDay < day) result.push({ ...interval, lastDay: before });
          if (interval.lastDay > day) result.push({ ...interval, firstDay: after });
        }
      }
      continue;
    }
    if (list.some((i) => i.firstDay <= day && i.lastDay >= day)) {
      // Already there: only a renamed device / changed e-mail is news, kept on the interval.
      for (const i of list)
        result.push(i.firstDay <= day && i.lastDay >= day && i.lastDay === day ? { ...i, label } : i);
      continue;
    }
    const left = list.find((i) => i.lastDay === before);
    const right = list.find((i) => i.firstDay === after);
    for (const i of list) if (i !== left && i !== right) result.push(i);
    result.push({
      memberId,
      label: right?.label ?? label,
      firstDay: left?.firstDay ?? day,
      lastDay: right?.lastDay ?? day,
    });
  }
  return sortIntervals(result);
}

export function sortIntervals(intervals: readonly MemberInterval[]): MemberInterval[] {
  return [...intervals].sort((a, b) =>
    a.memberId === b.memberId ? a.firstDay.localeCompare(b.firstDay) : a.memberId.localeCompare(b.memberId),
  );
}

export const intervalKey = (i: MemberInterval): string =>
  `${i.memberId}\u0000${i.firstDay}\u0000${i.lastDay}\u0000${i.label}`;

/** Which stored intervals to delete and which to insert to go from `before` to `after`. */
export function diffIntervals(
  before: readonly MemberInterval[],
  after: readonly MemberInterval[],
): { removed: MemberInterval[]; added: MemberInterval[] } {
  const beforeKeys = new Set(before.map(intervalKey));
  const afterKeys = new Set(after.map(intervalKey));
  return {
    removed: before.filter((i) => !afterKeys.has(intervalKey(i))),
    added: after.filter((i) => !beforeKeys.has(intervalKey(i))),
  };
}

/**
 * Splits a diff into extensions (the same member's interval from the same first day, now reaching a
 * later day, label unchanged) and the rest. A daily ingest mostly extends yesterday's intervals by
 * one day: one UPDATE per new last day instead of a DELETE and an INSERT per member.
 */
export function splitExtensions(diff: { removed: MemberInterval[]; added: MemberInterval[] }): {
  extended: { before: MemberInterval; lastDay: string }[];
  removed: MemberInterval[];
  added: MemberInterval[];
} {
  const startKey = (i: MemberInterval): string => `${i.memberId}\u0000${i.firstDay}\u0000${i.label}`;
  const addedByStart = new Map<string, MemberInterval>();
  for (const a of diff.added) addedByStart.set(startKey(a), a);
  const extended: { before: MemberInterval; lastDay: string }[] = [];
  const removed: MemberInterval[] = [];
  const used = new Set<MemberInterval>();
  for (const r of diff.removed) {
    const a = addedByStart.get(startKey(r));
    if (a && !used.has(a) && a.lastDay > r.lastDay) {
      used.add(a);
      extended.push({ before: r, lastDay: a.lastDay });
    } else removed.push(r);
  }
  return { extended, removed, added: diff.added.filter((a) => !used.has(a)) };
}

export interface MemberChange {
  readonly memberId: string;
  readonly label: string;
  readonly change: 'added' | 'removed';
  /** The first day the member was (added) or was no longer (removed) in the count. */
  readonly day: string;
}

/**
 * What changed in a line between two days: members in the count on `to` but not on `from`
 * (added, on the first day of their current interval) and the reverse (removed, on the day after
 * their interval ended). A member who left and came back in between is not a change.
 */
export function membershipChanges(
  intervals: readonly MemberInterval[],
  from: string,
  to: string,
): MemberChange[] {
  const at = (day: string) =>
    new Map(
      intervals.filter((i) => i.firstDay <= day && i.lastDay >= day).map((i) => [i.memberId, i] as const),
    );
  const onFrom = at(from);
  const onTo = at(to);
  const changes: MemberChange[] = [];
  for (const [id, i] of onTo)
    if (!onFrom.has(id)) changes.push({ memberId: id, label: i.label, change: 'added', day: i.firstDay });
  for (const [id, i] of onFrom)
    if (!onTo.has(id))
      changes.push({ memberId: id, label: i.label, change: 'removed', day: addDays(i.lastDay, 1) });
  return changes.sort((a, b) => a.day.localeCompare(b.day) || a.memberId.localeCompare(b.memberId));
}
