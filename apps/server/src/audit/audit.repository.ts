import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ActorKind, AuditEvent } from '@coro/contracts';

import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import type { AuditEventsTable } from '../db/tables/core.tables.js';

export interface AuditActor {
  readonly kind: ActorKind;
  readonly id: string | null;
  readonly label: string;
}

export const systemActor = (label = 'system'): AuditActor => ({ kind: 'system', id: null, label });

export interface AuditEntry {
  readonly actor: AuditActor;
  /** The workspace whose audit log shows the event: the channel for connector/mapping/usage changes. */
  readonly workspaceId: string;
  /** dotted verb, e.g. `connector.created`, `workspace.updated`, `usage.ingested`. */
  readonly action: string;
  readonly entity: string;
  readonly entityId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  /** Defaults to now; pass the request clock for deterministic tests. */
  readonly at?: string;
}

const SECRET_KEY =
  /secret|password|credential|apiintegrationcode|^token$|^tokenhash$|^token_hash$|^envelope$/i;

/** Deep copy with every secret-looking field replaced, so before/after never store a secret. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      result[key] = SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(inner, depth + 1);
    }
    return result;
  }
  return value;
}

const json = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(redactSecrets(value));

/**
 * Appends an audit event. Call it with the SAME transaction as the change it describes, so both
 * commit or neither does.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('connectors').set(…).execute();
 *   await recordAudit(trx, { actor, workspaceId: channelId, action: 'connector.updated', entity: 'connector', entityId: id, before, after });
 * });
 */
export async function recordAudit(trx: Kysely<DB> | Transaction<DB>, entry: AuditEntry): Promise<string> {
  const id = newId();
  await trx
    .insertInto('audit_events')
    .values({
      id,
      workspace_id: entry.workspaceId,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId ?? null,
      before_json: json(entry.before),
      after_json: json(entry.after),
      created_at: entry.at ?? new Date().toISOString(),
    })
    .execute();
  return id;
}

const parse = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    actor: { kind: row.actor_kind as ActorKind, id: row.actor_id, label: row.actor_label },
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: parse(row.before_json),
    after: parse(row.after_json),
    createdAt: row.created_at,
  };
}

export interface AuditFilter {
  readonly limit: number;
  readonly offset: number;
  readonly entity?: string | undefined;
  readonly action?: string | undefined;
}

/** Newest first (ids are UUIDv7, so id order is creation order). */
export async function listAudit(
  db: Kysely<DB>,
  workspaceId: string,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; total: number }> {
  let query = db.selectFrom('audit_events').where('workspace_id', '=', workspaceId);
  if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  const [rows, count] = await Promise.all([
    query
      .select([
        'id',
        'workspace_id',
        'actor_kind',
        'actor_id',
        'actor_label',
        'action',
        'entity',
        'entity_id',
        'before_json',
        'after_json',
        'created_at',
      ])
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toAuditEvent), total: count.n };
}
