import type {
  CompanyContractList,
  ContractCheck,
  WorkspaceMappingItem,
  WorkspaceMappingPage,
  WorkspaceMappingQuery,
} from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { openConnection, requireConnector } from '../connectors/connector.service.js';
import type { ConnectorRecord } from '../connectors/connector.repository.js';
import { newId } from '../db/ids.js';
import type { ContractCheckResult } from '../domain/contract-check.js';
import type { AppContext } from '../app/app-context.js';
import { AppError, appErrorFromPsa } from '../app/app-error.js';
import { findCompanies } from '../lookups/lookup.repository.js';
import { psaDisplayName } from '../psa/psa-provider.port.js';
import { checkAfterChange } from './contract-check.service.js';
import {
  changeMappedCompany,
  deleteWorkspaceMapping,
  findChildWorkspace,
  findCompanyHolder,
  findWorkspaceMapping,
  insertWorkspaceMapping,
  countWorkspaceMappings,
  listWorkspaceMappings as listWorkspaceMappingRows,
  setPinnedContract,
  type WorkspaceMappingListItem,
} from './workspace-mapping.repository.js';

function toItem(row: WorkspaceMappingListItem): WorkspaceMappingItem {
  const m = row.mapping;
  return {
    workspaceId: row.workspaceId,
    workspaceName: row.workspaceName,
    workspaceStatus: row.workspaceStatus,
    mapping: m
      ? {
          companyId: m.companyId,
          companyName: m.companyName,
          isCompanyActive: m.isCompanyActive,
          isCompanyPresent: m.isCompanyPresent,
          pinnedContractId: m.pinnedContractId,
          check: m.check && m.checkedAt ? toCheckView(m.check, m.checkedAt) : null,
          updatedAt: m.updatedAt,
        }
      : null,
  };
}

function toCheckView(result: ContractCheckResult, checkedAt: string): ContractCheck {
  return {
    status: result.status,
    contractId: result.contractId,
    contractName: result.contractName,
    isPinned: result.isPinned,
    candidateContractIds: [...result.candidateContractIds],
    services: result.services.map((s) => ({ ...s })),
    message: result.message,
    advice: result.advice,
    checkedAt,
  };
}

export async function listWorkspaceMappings(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
  query: WorkspaceMappingQuery,
): Promise<WorkspaceMappingPage> {
  const db = ctx.database.db;
  // The connector check (requireConnector's) comes with the cached counts: one change stamp, no query.
  const counts = await countWorkspaceMappings(db, connectorId, channelId);
  if (counts === undefined) throw new AppError('not_found', 'No such connector in this channel.');
  const options = {
    filter: query.filter ?? 'all',
    ...(query.q === undefined ? {} : { q: query.q }),
    sort: query.sort ?? 'workspace',
    order: query.order ?? 'asc',
    limit: query.limit ?? 50,
    offset: query.offset ?? 0,
  } as const;
  const isUnfiltered = options.filter === 'all' && (options.q ?? '') === '';
  const page = await listWorkspaceMappingRows(db, connectorId, channelId, {
    ...options,
    ...(isUnfiltered ? { total: counts.all } : {}),
  });
  const { all, mapped, problems } = counts;
  return {
    items: page.items.map(toItem),
    total: page.total,
    limit: options.limit,
    offset: options.offset,
    counts: { all, mapped, unmapped: all - mapped, problems },
  };
}

async function workspaceItem(
  ctx: AppContext,
  connectorId: string,
  channelId: string,
  workspaceId: string,
): Promise<WorkspaceMappingItem> {
  const page = await listWorkspaceMappingRows(ctx.database.db, connectorId, channelId, {
    filter: 'all',
    sort: 'workspace',
    order: 'asc',
    limit: 1,
    offset: 0,
    workspaceId,
  });
  const row = page.items[0];
  if (!row) throw new AppError('not_found', 'No such workspace in this channel.');
  return toItem(row);
}

async function requireWorkspace(
  ctx: AppContext,
  connector: ConnectorRecord,
  workspaceId: string,
): Promise<{ id: string; name: string }> {
  const workspace = await findChildWorkspace(ctx.database.db, connector.channel_id, workspaceId);
  if (!workspace) throw new AppError('not_found', 'No such child workspace in this channel.');
  return workspace;
}

const holderConflict = (
  psaName: string,
  companyName: string,
  workspaceName: string,
  workspaceId: string,
): AppError =>
  new AppError(
    'conflict',
    `${psaName} company "${companyName}" is already mapped to workspace "${workspaceName}". Unmap it there first.`,
    {
      workspaceId,
      workspaceName,
    },
  );

/**
 * Maps (or re-maps) a child workspace to a cached PSA company, strictly one-to-one, then runs
 * the contract check for it. The check needs the PSA; if the PSA is unreachable the mapping
 * still stands and the row shows no check yet.
 */
export async function mapWorkspace(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  workspaceId: string,
  companyId: string,
): Promise<WorkspaceMappingItem> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const workspace = await requireWorkspace(ctx, connector, workspaceId);
  const psaName = psaDisplayName(connector.kind);
  const [company] = await findCompanies(ctx.database.db, connectorId, [companyId]);
  if (!company?.isPresent) {
    throw new AppError(
      'not_found',
      `${psaName} company ${companyId} is not in this connector's company list. Refresh the lookups if it is new.`,
    );
  }
  const now = ctx.clock().toISOString();
  let changed: boolean;
  try {
    changed = await ctx.database.db.transaction().execute(async (trx) => {
      const holder = await findCompanyHolder(trx, connectorId, companyId);
      if (holder && holder.workspaceId !== workspaceId)
        throw holderConflict(psaName, company.name, holder.workspaceName, holder.workspaceId);
      const existing = await findWorkspaceMapping(trx, connectorId, workspaceId);
      if (existing?.psa_company_id === companyId) return false;
      if (existing) {
        const [previous] = await findCompanies(trx, connectorId, [existing.psa_company_id]);
        await changeMappedCompany(trx, existing.id, companyId, now);
        await recordAudit(trx, {
          actor,
          workspaceId: channelId,
          action: 'workspace_mapping.changed',
          entity: 'workspace_mapping',
          entityId: existing.id,
          before: {
            connectorId,
            workspaceId,
            workspaceName: workspace.name,
            companyId: existing.psa_company_id,
            companyName: previous?.name ?? null,
            pinnedContractId: existing.pinned_contract_id,
          },
          after: {
            connectorId,
            workspaceId,
            workspaceName: workspace.name,
            companyId,
            companyName: company.name,
            pinnedContractId: null,
          },
          at: now,
        });
      } else {
        const id = newId();
        await insertWorkspaceMapping(trx, {
          id,
          connector_id: connectorId,
          workspace_id: workspaceId,
          psa_company_id: companyId,
          pinned_contract_id: null,
          check_status: null,
          check_json: null,
          checked_at: null,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        });
        await recordAudit(trx, {
          actor,
          workspaceId: channelId,
          action: 'workspace_mapping.created',
          entity: 'workspace_mapping',
          entityId: id,
          after: {
            connectorId,
            workspaceId,
            workspaceName: workspace.name,
            companyId,
            companyName: company.name,
          },
          at: now,
        });
      }
      return true;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Lost a race against another admin: the unique constraints decided; name the winner.
    const holder = await findCompanyHolder(ctx.database.db, connectorId, companyId);
    if (holder && holder.workspaceId !== workspaceId)
      throw holderConflict(psaName, company.name, holder.workspaceName, holder.workspaceId);
    throw error;
  }
  if (changed) await checkAfterChange(ctx, connectorId, [companyId]);
  return workspaceItem(ctx, connectorId, channelId, workspaceId);
}

export async function unmapWorkspace(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  workspaceId: string,
): Promise<void> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const workspace = await requireWorkspace(ctx, connector, workspaceId);
  const now = ctx.clock().toISOString();
  await ctx.database.db.transaction().execute(async (trx) => {
    const existing = await findWorkspaceMapping(trx, connectorId, workspaceId);
    if (!existing)
      throw new AppError('not_found', `Workspace "${workspace.name}" is not mapped on this connector.`);
    const [company] = await findCompanies(trx, connectorId, [existing.psa_company_id]);
    await deleteWorkspaceMapping(trx, existing.id);
    await recordAudit(trx, {
      actor,
      workspaceId: channelId,
      action: 'workspace_mapping.deleted',
      entity: 'workspace_mapping',
      entityId: existing.id,
      before: {
        connectorId,
        workspaceId,
        workspaceName: workspace.name,
        companyId: existing.psa_company_id,
        companyName: company?.name ?? null,
        pinnedContractId: existing.pinned_contract_id,
      },
      at: now,
    });
  });
}

/**
 * Pins the contract the sync must use for a company (or removes the pin). The contract must be one
 * of the company's contracts in the PSA; the check is re-run at once with the pin.
 */
export async function pinContract(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  workspaceId: string,
  contractId: string | null,
): Promise<WorkspaceMappingItem> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const workspace = await requireWorkspace(ctx, connector, workspaceId);
  const existing = await findWorkspaceMapping(ctx.database.db, connectorId, workspaceId);
  if (!existing)
    throw new AppError(
      'not_found',
      `Workspace "${workspace.name}" is not mapped on this connector; map it before pinning a contract.`,
    );
  if (contractId !== null) {
    const { connection } = await openConnection(ctx, connectorId);
    try {
      const contracts = await connection.readContracts([existing.psa_company_id]);
      if (!contracts.ok) throw appErrorFromPsa(contracts.error);
      if (!contracts.value.some((c) => c.id === contractId && c.companyId === existing.psa_company_id)) {
        throw new AppError(
          'bad_request',
          `Contract ${contractId} does not belong to the ${psaDisplayName(connector.kind)} company mapped to "${workspace.name}".`,
        );
      }
    } finally {
      await connection.close();
    }
  }
  const now = ctx.clock().toISOString();
  await ctx.database.db.transaction().execute(async (trx) => {
    const current = await findWorkspaceMapping(trx, connectorId, workspaceId);
    if (current?.id !== existing.id || current.psa_company_id !== existing.psa_company_id) {
      throw new AppError('conflict', 'The mapping changed while the contract was being checked; try again.');
    }
    await setPinnedContract(trx, existing.id, contractId, now);
    await recordAudit(trx, {
      actor,
      workspaceId: channelId,
      action: contractId === null ? 'workspace_mapping.unpinned' : 'workspace_mapping.pinned',
      entity: 'workspace_mapping',
      entityId: existing.id,
      before: {
        workspaceId,
        companyId: existing.psa_company_id,
        pinnedContractId: existing.pinned_contract_id,
      },
      after: { workspaceId, companyId: existing.psa_company_id, pinnedContractId: contractId },
      at: now,
    });
  });
  await checkAfterChange(ctx, connectorId, [existing.psa_company_id]);
  return workspaceItem(ctx, connectorId, channelId, workspaceId);
}

/** The mapped company's contracts in the PSA, for the pin picker (read live: pins must be current). */
export async function listCompanyContracts(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
  workspaceId: string,
): Promise<CompanyContractList> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const workspace = await requireWorkspace(ctx, connector, workspaceId);
  const existing = await findWorkspaceMapping(ctx.database.db, connectorId, workspaceId);
  if (!existing)
    throw new AppError('not_found', `Workspace "${workspace.name}" is not mapped on this connector.`);
  const { connection } = await openConnection(ctx, connectorId);
  try {
    const contracts = await connection.readContracts([existing.psa_company_id]);
    if (!contracts.ok) throw appErrorFromPsa(contracts.error);
    return {
      pinnedContractId: existing.pinned_contract_id,
      items: contracts.value
        .filter((c) => c.companyId === existing.psa_company_id)
        .map((c) => ({
          id: c.id,
          name: c.name,
          isActive: c.isActive,
          isRecurringService: c.isRecurringService,
          startDate: c.startDate,
          endDate: c.endDate,
        })),
    };
  } finally {
    await connection.close();
  }
}
