import type {
  AutoMapResult,
  ContractCheck,
  ContractCheckSummary,
  ServiceMappingItem,
  SuggestionList,
  WorkspaceMappingItem,
  WorkspaceMappingPage,
  WorkspaceMappingQuery,
} from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import {
  isCredentialFailure,
  markConnectorError,
  openConnection,
  psaGuideOf,
  requireConnector,
} from '../connectors/connector.service.js';
import type { ConnectorRecord } from '../connectors/connector.repository.js';
import { newId } from '../db/ids.js';
import {
  evaluateContractCheck,
  type ContractCheckResult,
  type ContractCheckStatus,
} from '../domain/contract-check.js';
import { defaultSuggestOptions, normalizeCompanyName, suggestMatches } from '../domain/name-match.js';
import type { AppContext } from '../app/app-context.js';
import { AppError, appErrorFromPsa } from '../app/app-error.js';
import { findCompanies, findServices, listUnmappedCompanies } from '../lookups/lookup.repository.js';
import type { PsaContract, PsaContractService } from '../psa/psa-provider.port.js';
import {
  changeMappedCompany,
  deleteServiceMapping,
  deleteWorkspaceMapping,
  findCatalogService,
  findChildWorkspace,
  findCompanyHolder,
  findPsaServiceHolder,
  findServiceMapping,
  findWorkspaceMapping,
  insertWorkspaceMapping,
  listMappedServicesForCheck,
  listMappingsForCheck,
  listServiceMappings as listServiceMappingRows,
  listUnmappedWorkspaces,
  countWorkspaceMappings,
  listWorkspaceMappings as listWorkspaceMappingRows,
  saveCheckResult,
  setPinnedContract,
  upsertServiceMapping,
  type WorkspaceMappingListItem,
} from './mapping.repository.js';

const today = (ctx: AppContext): string => ctx.clock().toISOString().slice(0, 10);

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
  await requireConnector(ctx, channelId, connectorId);
  const db = ctx.database.db;
  const options = {
    filter: query.filter ?? 'all',
    ...(query.q === undefined ? {} : { q: query.q }),
    sort: query.sort ?? 'workspace',
    order: query.order ?? 'asc',
    limit: query.limit ?? 50,
    offset: query.offset ?? 0,
  } as const;
  const counts = await countWorkspaceMappings(db, connectorId, channelId);
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

const holderConflict = (companyName: string, workspaceName: string, workspaceId: string): AppError =>
  new AppError(
    'conflict',
    `Autotask company "${companyName}" is already mapped to workspace "${workspaceName}". Unmap it there first.`,
    {
      workspaceId,
      workspaceName,
    },
  );

/**
 * Maps (or re-maps) a child workspace to a cached Autotask company, strictly one-to-one, then runs
 * the contract check for it. The check needs Autotask; if Autotask is unreachable the mapping
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
  const [company] = await findCompanies(ctx.database.db, connectorId, [companyId]);
  if (!company?.isPresent) {
    throw new AppError(
      'not_found',
      `Autotask company ${companyId} is not in this connector's company list. Refresh the lookups if it is new.`,
    );
  }
  const now = ctx.clock().toISOString();
  let changed: boolean;
  try {
    changed = await ctx.database.db.transaction().execute(async (trx) => {
      const holder = await findCompanyHolder(trx, connectorId, companyId);
      if (holder && holder.workspaceId !== workspaceId)
        throw holderConflict(company.name, holder.workspaceName, holder.workspaceId);
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
      throw holderConflict(company.name, holder.workspaceName, holder.workspaceId);
    throw error;
  }
  if (changed) await checkAfterChange(ctx, connectorId, [companyId]);
  return workspaceItem(ctx, connectorId, channelId, workspaceId);
}

/** The contract check that follows a mapping change; a PSA failure never undoes the change. */
async function checkAfterChange(
  ctx: AppContext,
  connectorId: string,
  companyIds: readonly string[],
): Promise<void> {
  if (companyIds.length === 0) return;
  try {
    await runContractCheckFor(ctx, connectorId, companyIds);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    ctx.logger.warn(
      { connectorId, code: error.code },
      'contract check after a mapping change failed; the mapping is kept',
    );
  }
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
 * of the company's contracts in Autotask; the check is re-run at once with the pin.
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
          `Contract ${contractId} does not belong to the Autotask company mapped to "${workspace.name}".`,
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

/**
 * Maps every unmapped workspace whose normalized name equals exactly one unmapped company's
 * (and no other unmapped workspace's). Nothing fuzzy is ever committed here.
 */
export async function autoMap(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
): Promise<AutoMapResult> {
  await requireConnector(ctx, channelId, connectorId);
  const now = ctx.clock().toISOString();
  const result = await ctx.database.db.transaction().execute(async (trx) => {
    const workspaces = await listUnmappedWorkspaces(trx, connectorId, channelId);
    const companies = await listUnmappedCompanies(trx, connectorId);
    const companiesByName = new Map<string, { id: string; name: string }[]>();
    for (const c of companies)
      companiesByName.set(c.matchName, [...(companiesByName.get(c.matchName) ?? []), c]);
    const workspacesByName = new Map<string, number>();
    for (const w of workspaces) {
      const key = normalizeCompanyName(w.name);
      workspacesByName.set(key, (workspacesByName.get(key) ?? 0) + 1);
    }
    const mapped: AutoMapResult['mapped'] = [];
    const skipped: AutoMapResult['skipped'] = [];
    for (const w of workspaces) {
      const key = normalizeCompanyName(w.name);
      const matches = key === '' ? [] : (companiesByName.get(key) ?? []);
      const company = matches[0];
      if (!company) skipped.push({ workspaceId: w.id, workspaceName: w.name, reason: 'no_exact_match' });
      else if (matches.length > 1)
        skipped.push({ workspaceId: w.id, workspaceName: w.name, reason: 'several_companies' });
      else if ((workspacesByName.get(key) ?? 0) > 1)
        skipped.push({ workspaceId: w.id, workspaceName: w.name, reason: 'several_workspaces' });
      else {
        await insertWorkspaceMapping(trx, {
          id: newId(),
          connector_id: connectorId,
          workspace_id: w.id,
          psa_company_id: company.id,
          pinned_contract_id: null,
          check_status: null,
          check_json: null,
          checked_at: null,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        });
        mapped.push({
          workspaceId: w.id,
          workspaceName: w.name,
          companyId: company.id,
          companyName: company.name,
        });
      }
    }
    if (mapped.length > 0) {
      await recordAudit(trx, {
        actor,
        workspaceId: channelId,
        action: 'workspace_mapping.auto_mapped',
        entity: 'workspace_mapping',
        entityId: null,
        after: { connectorId, mapped },
        at: now,
      });
    }
    return { mapped, skipped };
  });
  await checkAfterChange(
    ctx,
    connectorId,
    result.mapped.map((m) => m.companyId),
  );
  return result;
}

/** Fuzzy candidates for unmapped workspaces, best first. Read-only: the admin confirms each one. */
export async function suggestMappings(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
  options: { limit?: number | undefined; minScore?: number | undefined },
): Promise<SuggestionList> {
  await requireConnector(ctx, channelId, connectorId);
  const [workspaces, companies] = await Promise.all([
    listUnmappedWorkspaces(ctx.database.db, connectorId, channelId),
    listUnmappedCompanies(ctx.database.db, connectorId),
  ]);
  const suggestions = suggestMatches(workspaces, companies, {
    limit: options.limit ?? defaultSuggestOptions.limit,
    minScore: options.minScore ?? defaultSuggestOptions.minScore,
  });
  return {
    items: workspaces.map((w) => ({
      workspaceId: w.id,
      workspaceName: w.name,
      candidates: (suggestions.get(w.id) ?? []).map((s) => ({
        companyId: s.id,
        companyName: s.name,
        score: s.score,
      })),
    })),
  };
}

// ---- Service mapping ---------------------------------------------------------------------------

export async function listServiceMappings(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
): Promise<ServiceMappingItem[]> {
  await requireConnector(ctx, channelId, connectorId);
  const rows = await listServiceMappingRows(ctx.database.db, connectorId);
  const basis = (value: string): 'devices' | 'users' => (value === 'users' ? 'users' : 'devices');
  return rows.map((r) => ({
    serviceKey: r.serviceKey,
    serviceName: r.serviceName,
    serviceKind: r.serviceKind,
    defaultBillingBasis: basis(r.defaultBillingBasis),
    mapping: r.mapping ? { ...r.mapping, billingBasis: basis(r.mapping.billingBasis) } : null,
  }));
}

export async function mapService(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  serviceKey: string,
  input: { psaServiceId: string; billingBasis?: 'devices' | 'users' | undefined },
): Promise<ServiceMappingItem> {
  await requireConnector(ctx, channelId, connectorId);
  const catalog = await findCatalogService(ctx.database.db, serviceKey);
  if (!catalog) throw new AppError('not_found', `No Coro service "${serviceKey}".`);
  const [service] = await findServices(ctx.database.db, connectorId, [input.psaServiceId]);
  if (!service?.isPresent) {
    throw new AppError(
      'not_found',
      `Autotask service ${input.psaServiceId} is not in this connector's service list. Refresh the lookups if it is new.`,
    );
  }
  const billingBasis = input.billingBasis ?? (catalog.billingBasis === 'users' ? 'users' : 'devices');
  const now = ctx.clock().toISOString();
  const conflict = (holderName: string): AppError =>
    new AppError(
      'conflict',
      `Autotask service "${service.name}" is already mapped to Coro service "${holderName}". Unmap it there first.`,
    );
  try {
    await ctx.database.db.transaction().execute(async (trx) => {
      const holder = await findPsaServiceHolder(trx, connectorId, input.psaServiceId);
      if (holder && holder.serviceKey !== serviceKey) throw conflict(holder.serviceName);
      const existing = await findServiceMapping(trx, connectorId, serviceKey);
      if (existing?.psa_service_id === input.psaServiceId && existing.billing_basis === billingBasis) return;
      const id = existing?.id ?? newId();
      await upsertServiceMapping(trx, {
        id,
        connector_id: connectorId,
        service_key: serviceKey,
        psa_service_id: input.psaServiceId,
        billing_basis: billingBasis,
        created_by: existing?.created_by ?? actor.id,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      });
      await recordAudit(trx, {
        actor,
        workspaceId: channelId,
        action: existing ? 'service_mapping.changed' : 'service_mapping.created',
        entity: 'service_mapping',
        entityId: id,
        before: existing
          ? {
              connectorId,
              serviceKey,
              psaServiceId: existing.psa_service_id,
              billingBasis: existing.billing_basis,
            }
          : undefined,
        after: {
          connectorId,
          serviceKey,
          psaServiceId: input.psaServiceId,
          psaServiceName: service.name,
          billingBasis,
        },
        at: now,
      });
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    const holder = await findPsaServiceHolder(ctx.database.db, connectorId, input.psaServiceId);
    if (holder && holder.serviceKey !== serviceKey) throw conflict(holder.serviceName);
    throw error;
  }
  const items = await listServiceMappings(ctx, channelId, connectorId);
  const item = items.find((i) => i.serviceKey === serviceKey);
  if (!item) throw new AppError('not_found', `No Coro service "${serviceKey}".`);
  return item;
}

export async function unmapService(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  serviceKey: string,
): Promise<void> {
  await requireConnector(ctx, channelId, connectorId);
  const now = ctx.clock().toISOString();
  await ctx.database.db.transaction().execute(async (trx) => {
    const existing = await findServiceMapping(trx, connectorId, serviceKey);
    if (!existing)
      throw new AppError('not_found', `Coro service "${serviceKey}" is not mapped on this connector.`);
    await deleteServiceMapping(trx, existing.id);
    await recordAudit(trx, {
      actor,
      workspaceId: channelId,
      action: 'service_mapping.deleted',
      entity: 'service_mapping',
      entityId: existing.id,
      before: {
        connectorId,
        serviceKey,
        psaServiceId: existing.psa_service_id,
        billingBasis: existing.billing_basis,
      },
      at: now,
    });
  });
}

// ---- Contract check ----------------------------------------------------------------------------

const emptyByStatus = (): Record<ContractCheckStatus, number> => ({
  ok: 0,
  no_contract: 0,
  service_missing: 0,
  ambiguous: 0,
  inactive_company: 0,
});

/**
 * Runs the contract check for a connector's mapped companies (all, or the given ones): two batched
 * reads from Autotask (contracts of all companies, then services of those contracts), a pure
 * evaluation per company, and one stored result per mapping. Inactive companies are not read.
 */
export async function runContractCheckFor(
  ctx: AppContext,
  connectorId: string,
  companyIds?: readonly string[],
): Promise<ContractCheckSummary> {
  const db = ctx.database.db;
  const mappings = await listMappingsForCheck(db, connectorId, companyIds);
  const checkedAt = ctx.clock().toISOString();
  const byStatus = emptyByStatus();
  if (mappings.length === 0) return { checked: 0, byStatus, checkedAt };
  const mappedServices = await listMappedServicesForCheck(db, connectorId);
  const activeIds = mappings.filter((m) => m.isCompanyActive && m.isCompanyPresent).map((m) => m.companyId);

  let contracts: readonly PsaContract[] = [];
  let contractServices: readonly PsaContractService[] = [];
  if (activeIds.length > 0) {
    const { connection } = await openConnection(ctx, connectorId);
    try {
      const read = await connection.readContracts(activeIds);
      if (!read.ok) {
        if (isCredentialFailure(read.error)) await markConnectorError(ctx, connectorId, read.error);
        throw appErrorFromPsa(read.error);
      }
      contracts = read.value;
      if (contracts.length > 0) {
        const services = await connection.readContractServices(contracts.map((c) => c.id));
        if (!services.ok) throw appErrorFromPsa(services.error);
        contractServices = services.value;
      }
    } finally {
      await connection.close();
    }
  }

  const guide = await psaGuideOf(ctx, connectorId);
  const day = today(ctx);
  await db.transaction().execute(async (trx) => {
    for (const m of mappings) {
      const own = contracts.filter((c) => c.companyId === m.companyId);
      const ownIds = new Set(own.map((c) => c.id));
      const result = evaluateContractCheck({
        company: { id: m.companyId, name: m.companyName, isActive: m.isCompanyActive && m.isCompanyPresent },
        contracts: own,
        contractServices: contractServices.filter((cs) => ownIds.has(cs.contractId)),
        mappedServices,
        pinnedContractId: m.pinnedContractId,
        today: day,
        guide,
      });
      byStatus[result.status] += 1;
      await saveCheckResult(trx, m.mappingId, result, checkedAt);
    }
  });
  return { checked: mappings.length, byStatus, checkedAt };
}

/** `POST …/contract-check`: all mapped workspaces of the connector, or some of them. */
export async function runContractCheck(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
  workspaceIds?: readonly string[],
): Promise<ContractCheckSummary> {
  await requireConnector(ctx, channelId, connectorId);
  if (!workspaceIds) return runContractCheckFor(ctx, connectorId);
  const mappings = await listMappingsForCheck(ctx.database.db, connectorId);
  const wanted = new Set(workspaceIds);
  const unknown = workspaceIds.filter((id) => !mappings.some((m) => m.workspaceId === id));
  if (unknown.length > 0)
    throw new AppError('not_found', `Not mapped on this connector: ${unknown.join(', ')}.`, {
      workspaceIds: unknown,
    });
  return runContractCheckFor(
    ctx,
    connectorId,
    mappings.filter((m) => wanted.has(m.workspaceId)).map((m) => m.companyId),
  );
}
