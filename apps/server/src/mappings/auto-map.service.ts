import type { AutoMapResult } from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { requireConnector } from '../connectors/connector.service.js';
import { newId } from '../db/ids.js';
import { normalizeCompanyName } from '../domain/name-match.js';
import type { AppContext } from '../app/app-context.js';
import { listUnmappedCompanies } from '../lookups/lookup.repository.js';
import { checkAfterChange } from './contract-check.service.js';
import { insertWorkspaceMapping, listUnmappedWorkspaces } from './workspace-mapping.repository.js';

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
