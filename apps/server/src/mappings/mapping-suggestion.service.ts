import type { SuggestionList } from '@coro/contracts';

import { requireConnector } from '../connectors/connector.service.js';
import { defaultSuggestOptions, honestNameScore, suggestMatches } from '../domain/name-match.js';
import type { AppContext } from '../app/app-context.js';
import { listUnmappedCompanies } from '../lookups/lookup.repository.js';
import { listUnmappedWorkspaces } from './workspace-mapping.repository.js';

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
      // Ranked on the normalized names; shown with the honest score (1 only for the same name).
      candidates: (suggestions.get(w.id) ?? [])
        .map((s) => ({ companyId: s.id, companyName: s.name, score: honestNameScore(w.name, s.name) }))
        .sort((a, b) => b.score - a.score),
    })),
  };
}
