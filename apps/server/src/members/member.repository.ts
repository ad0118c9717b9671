import type { Kysely } from 'kysely';
import type { UsageRecord } from '@coro/contracts';

import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import {
  addDays,
  applyReportedDay,
  diffIntervals,
  splitExtensions,
  intervalKey,
  membershipChanges,
  type MemberChange,
  type MemberInterval,
  type ReportedMember,
} from '../domain/member-intervals.js';

type Db = Kysely<DB>;

export const memberKinds = ['device', 'user'] as const;
export type MemberKind = (typeof memberKinds)[number];

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * Why a record's members cannot be accepted, or null. A list must have exactly as many entries as
 * the count it explains, with no id twice: a list that does not add up explains nothing.
 */
export function memberProblem(record: UsageRecord): string | null {
  const lists = [
    ['devices', record.members?.devices?.map((m) => m.id), record.devices],
    ['users', record.members?.users?.map((m) => m.id), record.users],
  ] as const;
  for (const [name, ids, count] of lists) {
    if (ids === undefined) continue;
    if (ids.length !== count) return `members.${name} lists ${ids.length} ${name} but ${name} is ${count}`;
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) return `members.${name} lists "${id}" twice`;
      seen.add(id);
    }
  }
  return null;
}

interface DayReport {
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly kind: MemberKind;
  readonly day: string;
  readonly members: readonly ReportedMember[];
}

/**
 * The day reports an ingest implies: each given list as reported; a record whose counts changed
 * without a list clears that day's members (the old ones no longer explain the count). A record
 * with unchanged counts and no list leaves the members as they were (counts-only exporters).
 */
export function dayReports(
  records: readonly UsageRecord[],
  isCountChanged: (record: UsageRecord) => boolean,
): DayReport[] {
  const reports: DayReport[] = [];
  for (const r of records) {
    const base = { workspaceId: r.workspaceId, serviceKey: r.serviceKey, day: r.day };
    const devices = r.members?.devices?.map((m) => ({ id: m.id, label: m.name }));
    const users = r.members?.users?.map((m) => ({ id: m.id, label: m.email }));
    const changed = isCountChanged(r);
    if (devices !== undefined || changed) reports.push({ ...base, kind: 'device', members: devices ?? [] });
    if (users !== undefined || changed) reports.push({ ...base, kind: 'user', members: users ?? [] });
  }
  return reports;
}

const lineKey = (workspaceId: string, serviceKey: string, kind: string): string =>
  `${workspaceId}|${serviceKey}|${kind}`;

/** Applies the day reports to the stored intervals (inside the ingest's transaction). */
export async function storeMemberReports(
  db: Db,
  reports: readonly DayReport[],
  nowIso: string,
): Promise<{ intervalsAdded: number; intervalsRemoved: number }> {
  if (reports.length === 0) return { intervalsAdded: 0, intervalsRemoved: 0 };
  const days = reports.map((r) => r.day).sort();
  const from = addDays(days[0] ?? '', -1);
  const to = addDays(days[days.length - 1] ?? '', 1);
  const lines = new Map<string, { ids: Map<string, string>; intervals: MemberInterval[] }>();
  for (const r of reports)
    lines.set(lineKey(r.workspaceId, r.serviceKey, r.kind), { ids: new Map(), intervals: [] });
  const workspaceIds = [...new Set(reports.map((r) => r.workspaceId))];
  for (const part of chunks(workspaceIds)) {
    const rows = await db
      .selectFrom('usage_member_intervals')
      .select([
        'id',
        'workspace_id',
        'service_key',
        'member_kind',
        'member_id',
        'label',
        'first_day',
        'last_day',
      ])
      .where('workspace_id', 'in', part)
      .where('last_day', '>=', from)
      .where('first_day', '<=', to)
      .execute();
    for (const row of rows) {
      const line = lines.get(lineKey(row.workspace_id, row.service_key, row.member_kind));
      if (!line) continue;
      const interval = {
        memberId: row.member_id,
        label: row.label,
        firstDay: row.first_day,
        lastDay: row.last_day,
      };
      line.ids.set(intervalKey(interval), row.id);
      line.intervals.push(interval);
    }
  }
  const before = new Map([...lines].map(([key, line]) => [key, line.intervals]));
  const sorted = [...reports].sort((a, b) => a.day.localeCompare(b.day));
  for (const r of sorted) {
    const line = lines.get(lineKey(r.workspaceId, r.serviceKey, r.kind));
    if (line) line.intervals = applyReportedDay(line.intervals, r.day, r.members);
  }
  const deleteIds: string[] = [];
  const inserts: DB['usage_member_intervals'][] = [];
  const extendTo = new Map<string, string[]>(); // new last day → ids
  for (const [key, line] of lines) {
    const [workspaceId = '', serviceKey = '', kind = ''] = key.split('|');
    const { extended, removed, added } = splitExtensions(
      diffIntervals(before.get(key) ?? [], line.intervals),
    );
    for (const e of extended) {
      const id = line.ids.get(intervalKey(e.before));
      if (id === undefined) continue;
      const ids = extendTo.get(e.lastDay);
      if (ids) ids.push(id);
      else extendTo.set(e.lastDay, [id]);
    }
    for (const i of removed) {
      const id = line.ids.get(intervalKey(i));
      if (id !== undefined) deleteIds.push(id);
    }
    for (const i of added)
      inserts.push({
        id: newId(),
        workspace_id: workspaceId,
        service_key: serviceKey,
        member_kind: kind,
        member_id: i.memberId,
        label: i.label,
        first_day: i.firstDay,
        last_day: i.lastDay,
        updated_at: nowIso,
      });
  }
  for (const [lastDay, ids] of extendTo)
    for (const part of chunks(ids))
      await db
        .updateTable('usage_member_intervals')
        .set({ last_day: lastDay, updated_at: nowIso })
        .where('id', 'in', part)
        .execute();
  for (const part of chunks(deleteIds))
    await db.deleteFrom('usage_member_intervals').where('id', 'in', part).execute();
  // 9 columns per row: 500 rows stay under SQLite's bound-parameter limit.
  for (const part of chunks(inserts)) await db.insertInto('usage_member_intervals').values(part).execute();
  const extendedCount = [...extendTo.values()].reduce((n, ids) => n + ids.length, 0);
  // Counted as before (an extension replaces one interval with a longer one).
  return {
    intervalsAdded: inserts.length + extendedCount,
    intervalsRemoved: deleteIds.length + extendedCount,
  };
}

export interface LineRef {
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly kind: MemberKind;
}

/** Every stored interval of one line that overlaps [from, to], ordered by member then day. */
export async function lineIntervals(
  db: Db,
  line: LineRef,
  from: string,
  to: string,
): Promise<MemberInterval[]> {
  const rows = await db
    .selectFrom('usage_member_intervals')
    .select(['member_id', 'label', 'first_day', 'last_day'])
    .where('workspace_id', '=', line.workspaceId)
    .where('service_key', '=', line.serviceKey)
    .where('member_kind', '=', line.kind)
    .where('last_day', '>=', from)
    .where('first_day', '<=', to)
    .orderBy('member_id')
    .orderBy('first_day')
    .execute();
  return rows.map((r) => ({
    memberId: r.member_id,
    label: r.label,
    firstDay: r.first_day,
    lastDay: r.last_day,
  }));
}

/** The members in a line's count on one day. */
export async function membersOnDay(db: Db, line: LineRef, day: string): Promise<ReportedMember[]> {
  return (await lineIntervals(db, line, day, day)).map((i) => ({ id: i.memberId, label: i.label }));
}

/** Who joined and who left a line's count between two days. */
export async function memberChanges(
  db: Db,
  line: LineRef,
  from: string,
  to: string,
): Promise<MemberChange[]> {
  return membershipChanges(await lineIntervals(db, line, from, to), from, to);
}
