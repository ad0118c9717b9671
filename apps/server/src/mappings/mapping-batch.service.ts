import type { MappingBatchList, MappingBatchUndoResult } from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { requireConnector } from '../connectors/connector.service.js';
import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import {
  deleteMappings,
  findBatch,
  listBatches,
  listBatchItems,
  markBatchUndone,
} from './mapping-batch.repository.js';

/**
 * `POST …/mapping-batches/:batchId/undo`: the workspaces the batch mapped become unmapped again,
 * as before the batch. A mapping someone changed since (another company, a pinned contract) or
 * removed is left alone and reported: undo never discards later work.
 */
export async function undoMappingBatch(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  batchId: string,
): Promise<MappingBatchUndoResult> {
  await requireConnector(ctx, channelId, connectorId);
  const now = ctx.clock().toISOString();
  return ctx.database.db.transaction().execute(async (trx) => {
    if (!(await markBatchUndone(trx, connectorId, batchId, actor.id, now))) {
      const batch = await findBatch(trx, connectorId, batchId);
      if (!batch) throw new AppError('not_found', 'No such mapping batch on this connector.');
      throw new AppError(
        'conflict',
        `This batch was already undone at ${batch.undoneAt ?? 'an earlier time'}.`,
      );
    }
    const items = await listBatchItems(trx, batchId);
    const removed: MappingBatchUndoResult['removed'] = [];
    const kept: MappingBatchUndoResult['kept'] = [];
    const toDelete: string[] = [];
    for (const item of items) {
      const { workspaceId, workspaceName, companyId, companyName } = item;
      if (!item.current) kept.push({ workspaceId, workspaceName, companyId, reason: 'removed_since' });
      else if (item.current.companyId !== companyId || item.current.pinnedContractId !== null)
        kept.push({ workspaceId, workspaceName, companyId, reason: 'changed_since' });
      else {
        toDelete.push(item.mappingId);
        removed.push({ workspaceId, workspaceName, companyId, companyName });
      }
    }
    await deleteMappings(trx, toDelete);
    await recordAudit(trx, {
      actor,
      workspaceId: channelId,
      action: 'workspace_mapping.auto_map_undone',
      entity: 'mapping_batch',
      entityId: batchId,
      before: { connectorId, batchId, mapped: removed },
      after: { connectorId, batchId, kept },
      at: now,
    });
    return { batchId, removed, kept };
  });
}

/** `GET …/mapping-batches`: the latest auto-map batches, so undo is offered after a reload too. */
export async function listMappingBatches(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
): Promise<MappingBatchList> {
  await requireConnector(ctx, channelId, connectorId);
  return { items: await listBatches(ctx.database.db, connectorId, 20) };
}
