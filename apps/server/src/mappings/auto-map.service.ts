import type { AutoMapApplyResult, AutoMapProposalList } from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { requireConnector } from '../connectors/connector.service.js';
import { newId } from '../db/ids.js';
import { createAutoMapPlanner, type AutoMapProposal } from '../domain/auto-map.js';
import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { psaDisplayName } from '../psa/psa-provider.port.js';
import { checkAfterChange } from './contract-check.service.js';
import {
  findCompaniesForApply,
  findWorkspacesForApply,
  insertMappingBatch,
  listCompaniesForAutoMap,
} from './mapping-batch.repository.js';
import { listUnmappedWorkspaces, type WorkspaceMappingRow } from './workspace-mapping.repository.js';

/** Longest stretch of matching between two yields, so other requests are served meanwhile. */
const sliceMs = 20;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `step` over `items` in time slices, yielding to the event loop between slices. */
async function inSlices<T>(items: Iterable<T>, step: (item: T) => void): Promise<void> {
  let sliceStart = performance.now();
  for (const item of items) {
    step(item);
    if (performance.now() - sliceStart > sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
}

/**
 * `GET …/workspace-mappings/auto-map`: every proposal for the unmapped workspaces. Commits
 * nothing: exact names are pre-selected, similar ones carry their honest score, and pairs that
 * cannot be applied (inactive, already mapped, ambiguous) are listed with the reason.
 */
export async function proposeAutoMap(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
): Promise<AutoMapProposalList> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const [workspaces, companies] = await Promise.all([
    listUnmappedWorkspaces(ctx.database.db, connectorId, channelId),
    listCompaniesForAutoMap(ctx.database.db, connectorId),
  ]);
  const planner = createAutoMapPlanner(workspaces, companies, psaDisplayName(connector.kind));
  const byWorkspace = new Map<string, AutoMapProposal>();
  // Exact first for every workspace: a company an exact pair claims is never offered as similar.
  await inSlices(workspaces, (w) => {
    const proposal = planner.exact(w);
    if (proposal) byWorkspace.set(w.id, proposal);
  });
  await inSlices(planner.indexSteps(), () => undefined);
  await inSlices(workspaces, (w) => {
    if (byWorkspace.has(w.id)) return;
    const proposal = planner.similar(w);
    if (proposal) byWorkspace.set(w.id, proposal);
  });
  const items = workspaces.flatMap((w) => byWorkspace.get(w.id) ?? []);
  const counts = { exact: 0, similar: 0, excluded: 0, unmatched: workspaces.length - items.length };
  for (const p of items) {
    if (p.exclusion) counts.excluded += 1;
    else counts[p.match] += 1;
  }
  return { items: items.map((p) => ({ ...p })), counts };
}

type Skip = AutoMapApplyResult['skipped'][number];

/**
 * `POST …/workspace-mappings/auto-map`: maps exactly the pairs the admin selected, each checked
 * again (the workspace still unmapped, the company present, active and free), as one batch that
 * can be undone. Pairs that fail a check are reported back, not mapped.
 */
export async function applyAutoMap(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  pairs: readonly { workspaceId: string; companyId: string }[],
): Promise<AutoMapApplyResult> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const psaName = psaDisplayName(connector.kind);
  const twice = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
  const repeatedWorkspaces = twice(pairs.map((p) => p.workspaceId));
  const repeatedCompanies = twice(pairs.map((p) => p.companyId));
  if (repeatedWorkspaces.length > 0 || repeatedCompanies.length > 0)
    throw new AppError('bad_request', 'Each workspace and each company may appear in one pair only.', {
      workspaceIds: [...new Set(repeatedWorkspaces)],
      companyIds: [...new Set(repeatedCompanies)],
    });
  const now = ctx.clock().toISOString();
  const batchId = newId();
  let result: AutoMapApplyResult;
  try {
    result = await ctx.database.db.transaction().execute(async (trx) => {
      const workspaces = await findWorkspacesForApply(
        trx,
        connectorId,
        channelId,
        pairs.map((p) => p.workspaceId),
      );
      const companies = await findCompaniesForApply(
        trx,
        connectorId,
        pairs.map((p) => p.companyId),
      );
      const rows: WorkspaceMappingRow[] = [];
      const mapped: AutoMapApplyResult['mapped'] = [];
      const skipped: Skip[] = [];
      for (const { workspaceId, companyId } of pairs) {
        const workspace = workspaces.get(workspaceId);
        const company = companies.get(companyId);
        const skip = (reason: Skip['reason'], message: string) =>
          skipped.push({ workspaceId, companyId, reason, message });
        if (!workspace) skip('workspace_not_found', 'No such child workspace in this channel.');
        else if (workspace.isMapped)
          skip('workspace_already_mapped', `Workspace "${workspace.name}" was mapped meanwhile.`);
        else if (!company)
          skip('company_not_found', `${psaName} company ${companyId} is not in the company list.`);
        else if (company.holderName !== null)
          skip(
            'company_already_mapped',
            `"${company.name}" is already mapped to workspace "${company.holderName}".`,
          );
        else if (!company.isActive) skip('inactive_company', `"${company.name}" is inactive in ${psaName}.`);
        else {
          rows.push({
            id: newId(),
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
          mapped.push({ workspaceId, workspaceName: workspace.name, companyId, companyName: company.name });
        }
      }
      if (rows.length === 0) return { batchId: null, mapped, skipped };
      await insertMappingBatch(trx, { id: batchId, connectorId, createdBy: actor.id, createdAt: now }, rows);
      await recordAudit(trx, {
        actor,
        workspaceId: channelId,
        action: 'workspace_mapping.auto_mapped',
        entity: 'mapping_batch',
        entityId: batchId,
        after: { connectorId, batchId, mapped, skipped: skipped.length },
        at: now,
      });
      return { batchId, mapped, skipped };
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Another admin mapped one of these meanwhile: the unique constraints refused the whole batch.
    ctx.logger.info({ connectorId, err: error }, 'auto-map apply lost a race; nothing was mapped');
    throw new AppError(
      'conflict',
      'Some of these workspaces or companies were mapped by someone else meanwhile; nothing was applied. Review the proposals again.',
    );
  }
  await checkAfterChange(
    ctx,
    connectorId,
    result.mapped.map((m) => m.companyId),
  );
  return result;
}
