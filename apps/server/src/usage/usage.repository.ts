import type { Kysely } from 'kysely';
import type { UsageIngestResult, UsagePoint, UsageRecord, UsageRejectedRow } from '@coro/contracts';

import type { AuditActor } from '../audit/audit.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../app/app-error.js';
import { usageRecordsIngestedTotal } from '../observability/metrics.js';
import { channelSubtree } from '../workspaces/workspace.repository.js';
import { dayReports, memberProblem, storeMemberReports } from '../members/member.repository.js';

type Db = Kysely<DB>;

/** Bound parameters per statement stay far below SQLite's (32766) and PostgreSQL's (65535) limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

const keyOf = (workspaceId: string, serviceKey: string, day: string): string =>
  `${workspaceId}|${serviceKey}|${day}`;

function isRealDay(day: string): boolean {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}

export interface IngestInput {
  readonly channelId: string;
  readonly records: readonly UsageRecord[];
  readonly actor: AuditActor;
  /** 'api' | 'cli' | 'demo' */
  readonly source: string;
  readonly now: Date;
}

/**
 * Validates the whole batch, then upserts it in ONE transaction: every row or none. A row for an
 * existing (workspace, service, day) replaces it and the previous counts go to usage_revisions;
 * identical re-posts change nothing (idempotent). One audit event per batch, on the channel.
 * Rejections throw `validation_failed` with `details.rows: [{ index, reason }]`.
 */
export async function ingestUsage(db: Db, input: IngestInput): Promise<UsageIngestResult> {
  const rejected = await validateUsage(db, input.channelId, input.records, input.now);
  if (rejected.length > 0) {
    usageRecordsIngestedTotal.inc({ outcome: 'rejected' }, input.records.length);
    throw new AppError(
      'validation_failed',
      `${rejected.length} of ${input.records.length} usage rows were rejected; nothing was written.`,
      {
        rows: rejected.slice(0, 100),
        rejectedCount: rejected.length,
      },
    );
  }
  const nowIso = input.now.toISOString();
  const result = await db.transaction().execute(async (trx) => {
    const existing = await loadExisting(trx, input.records);
    const writes: UsageRecord[] = [];
    const revisions: DB['usage_revisions'][] = [];
    let inserted = 0;
    let updated = 0;
    for (const record of input.records) {
      const previous = existing.get(keyOf(record.workspaceId, record.serviceKey, record.day));
      if (!previous) {
        inserted += 1;
        writes.push(record);
      } else if (previous.devices !== record.devices || previous.users !== record.users) {
        updated += 1;
        writes.push(record);
        revisions.push({
          id: newId(),
          workspace_id: record.workspaceId,
          service_key: record.serviceKey,
          day: record.day,
          previous_devices: previous.devices,
          previous_users: previous.users,
          devices: record.devices,
          users: record.users,
          actor: input.actor.label,
          created_at: nowIso,
        });
      }
    }
    for (const part of chunks(writes)) {
      await trx
        .insertInto('usage_daily')
        .values(
          part.map((r) => ({
            workspace_id: r.workspaceId,
            service_key: r.serviceKey,
            day: r.day,
            devices: r.devices,
            users: r.users,
            source: input.source,
            updated_at: nowIso,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'service_key', 'day']).doUpdateSet((eb) => ({
            devices: eb.ref('excluded.devices'),
            users: eb.ref('excluded.users'),
            source: eb.ref('excluded.source'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    for (const part of chunks(revisions)) await trx.insertInto('usage_revisions').values(part).execute();
    const changed = new Set(revisions.map((r) => keyOf(r.workspace_id, r.service_key, r.day)));
    const members = await storeMemberReports(
      trx,
      dayReports(input.records, (r) => changed.has(keyOf(r.workspaceId, r.serviceKey, r.day))),
      nowIso,
    );
    const counts = {
      received: input.records.length,
      inserted,
      updated,
      unchanged: input.records.length - inserted - updated,
    };
    const isMembersChanged = members.intervalsAdded + members.intervalsRemoved > 0;
    if (inserted + updated > 0 || isMembersChanged) {
      const days = input.records.map((r) => r.day).sort();
      await recordAudit(trx, {
        actor: input.actor,
        workspaceId: input.channelId,
        action: 'usage.ingested',
        entity: 'usage',
        after: {
          ...counts,
          ...(isMembersChanged ? { members } : {}),
          source: input.source,
          fromDay: days[0],
          toDay: days[days.length - 1],
        },
        at: nowIso,
      });
    }
    return counts;
  });
  usageRecordsIngestedTotal.inc({ outcome: 'inserted' }, result.inserted);
  usageRecordsIngestedTotal.inc({ outcome: 'updated' }, result.updated);
  usageRecordsIngestedTotal.inc({ outcome: 'unchanged' }, result.unchanged);
  return result;
}

/** Why each row would be rejected (empty: the batch is acceptable). Reads only. */
export async function validateUsage(
  db: Db,
  channelId: string,
  records: readonly UsageRecord[],
  now: Date,
): Promise<UsageRejectedRow[]> {
  const input = { channelId, records, now };
  const services = new Set(
    (await db.selectFrom('catalog_services').select('key').execute()).map((r) => r.key),
  );
  const channels = new Set(await channelSubtree(db, input.channelId));
  const workspaceIds = [...new Set(input.records.map((r) => r.workspaceId))];
  const owned = new Set<string>();
  for (const part of chunks(workspaceIds)) {
    const rows = await db
      .selectFrom('workspaces')
      .select(['id', 'parent_id'])
      .where('kind', '=', 'child')
      .where('id', 'in', part)
      .execute();
    for (const row of rows) if (row.parent_id !== null && channels.has(row.parent_id)) owned.add(row.id);
  }
  const latestDay = new Date(input.now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const seen = new Set<string>();
  const rejected: UsageRejectedRow[] = [];
  input.records.forEach((record, index) => {
    const key = keyOf(record.workspaceId, record.serviceKey, record.day);
    let reason: string | null;
    if (!owned.has(record.workspaceId))
      reason = `workspace ${record.workspaceId} is not a child workspace of this channel`;
    else if (!services.has(record.serviceKey)) reason = `unknown service "${record.serviceKey}"`;
    else if (!isRealDay(record.day)) reason = `day ${record.day} is not a calendar date`;
    else if (record.day > latestDay) reason = `day ${record.day} is in the future`;
    else if (seen.has(key)) reason = 'duplicate of an earlier row for the same workspace, service and day';
    else reason = memberProblem(record);
    seen.add(key);
    if (reason !== null) rejected.push({ index, reason });
  });
  return rejected;
}

async function loadExisting(
  db: Db,
  records: readonly UsageRecord[],
): Promise<Map<string, { devices: number; users: number }>> {
  const result = new Map<string, { devices: number; users: number }>();
  if (records.length === 0) return result;
  const days = records.map((r) => r.day).sort();
  const from = days[0] ?? '';
  const to = days[days.length - 1] ?? '';
  const workspaceIds = [...new Set(records.map((r) => r.workspaceId))];
  for (const part of chunks(workspaceIds)) {
    const rows = await db
      .selectFrom('usage_daily')
      .select(['workspace_id', 'service_key', 'day', 'devices', 'users'])
      .where('workspace_id', 'in', part)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .execute();
    for (const row of rows)
      result.set(keyOf(row.workspace_id, row.service_key, row.day), {
        devices: row.devices,
        users: row.users,
      });
  }
  return result;
}

export interface UsageRow {
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly devices: number;
  readonly users: number;
}

/**
 * Counts of every child workspace directly under the channel (the workspaces its PSA connector
 * maps) on one UTC day. Missing rows mean "no data for that day", not zero.
 */
export async function usageForDay(db: Db, channelId: string, day: string): Promise<UsageRow[]> {
  const rows = await db
    .selectFrom('usage_daily as u')
    .innerJoin('workspaces as w', 'w.id', 'u.workspace_id')
    .select(['u.workspace_id', 'u.service_key', 'u.devices', 'u.users'])
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child')
    .where('u.day', '=', day)
    .orderBy('u.workspace_id')
    .orderBy('u.service_key')
    .execute();
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    serviceKey: r.service_key,
    devices: r.devices,
    users: r.users,
  }));
}

/** The most recent day with any usage for the channel's children, or null. */
export async function latestUsageDay(db: Db, channelId: string): Promise<string | null> {
  const row = await db
    .selectFrom('usage_daily as u')
    .innerJoin('workspaces as w', 'w.id', 'u.workspace_id')
    .select((eb) => eb.fn.max('u.day').as('day'))
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child')
    .executeTakeFirst();
  return row?.day ?? null;
}

export async function usageSeries(
  db: Db,
  workspaceId: string,
  range: { from: string; to: string; serviceKeys?: readonly string[] | undefined },
): Promise<{ serviceKey: string; points: UsagePoint[] }[]> {
  let query = db
    .selectFrom('usage_daily')
    .select(['service_key', 'day', 'devices', 'users'])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', range.from)
    .where('day', '<=', range.to);
  if (range.serviceKeys !== undefined && range.serviceKeys.length > 0)
    query = query.where('service_key', 'in', [...range.serviceKeys]);
  const rows = await query.orderBy('service_key').orderBy('day').execute();
  const series = new Map<string, UsagePoint[]>();
  for (const row of rows) {
    const points = series.get(row.service_key) ?? [];
    points.push({ day: row.day, devices: row.devices, users: row.users });
    series.set(row.service_key, points);
  }
  return [...series.entries()].map(([serviceKey, points]) => ({ serviceKey, points }));
}
