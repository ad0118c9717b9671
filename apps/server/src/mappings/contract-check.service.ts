import type { ContractCheckSummary } from '@coro/contracts';

import {
  isCredentialFailure,
  markConnectorError,
  openConnection,
  psaGuideOf,
  requireConnector,
} from '../connectors/connector.service.js';
import { evaluateContractCheck, type ContractCheckStatus } from '../domain/contract-check.js';
import type { AppContext } from '../app/app-context.js';
import { AppError, appErrorFromPsa } from '../app/app-error.js';
import type { PsaContract, PsaContractService } from '../psa/psa-provider.port.js';
import {
  listMappedServicesForCheck,
  listMappingsForCheck,
  saveCheckResult,
} from './contract-check.repository.js';

const today = (ctx: AppContext): string => ctx.clock().toISOString().slice(0, 10);

const emptyByStatus = (): Record<ContractCheckStatus, number> => ({
  ok: 0,
  no_contract: 0,
  service_missing: 0,
  ambiguous: 0,
  inactive_company: 0,
});

/**
 * Runs the contract check for a connector's mapped companies (all, or the given ones): two batched
 * reads from the PSA (contracts of all companies, then services of those contracts), a pure
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

/**
 * The contract check that follows a mapping change, for the given companies or, after a service
 * mapping change (which can change every company's result), all mapped ones. A PSA failure never
 * undoes the change: the rows keep their last results.
 */
export async function checkAfterChange(
  ctx: AppContext,
  connectorId: string,
  companyIds: readonly string[] | 'all',
): Promise<void> {
  if (companyIds !== 'all' && companyIds.length === 0) return;
  try {
    await runContractCheckFor(ctx, connectorId, companyIds === 'all' ? undefined : companyIds);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    ctx.logger.warn(
      { connectorId, code: error.code },
      'contract check after a mapping change failed; the mapping is kept',
    );
  }
}
