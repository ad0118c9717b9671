import type { SuggestionList } from '@coro/contracts';

import { requireConnector } from '../connectors/connector.service.js';
import {
  createNameIndex,
  defaultSuggestOptions,
  honestNameScore,
  type NameIndex,
  type NamedItem,
} from '../domain/name-match.js';
import type { AppContext } from '../app/app-context.js';
import { companiesFingerprint, listSuggestableCompanies } from '../lookups/lookup.repository.js';
import {
  listMappedCompanyIds,
  listUnmappedWorkspaces,
  listUnmappedWorkspacesByIds,
} from './workspace-mapping.repository.js';

type Candidate = SuggestionList['items'][number]['candidates'][number];

/**
 * Issue 12: suggestions at 5,000 × 5,000 took 3–4 s on the event loop on every visit. Now the
 * trigram index of a connector's companies is built once per companies fingerprint (in slices that
 * yield), and each workspace's candidates are kept until the companies or the mappings change or
 * the workspace is renamed. The console asks only for the rows it shows.
 */
interface ConnectorEntry {
  readonly companiesKey: string;
  readonly index: Promise<NameIndex>;
  /** Per mapped-set: workspace id → its name when computed and its candidates. */
  mappedKey: string;
  byWorkspace: Map<string, { name: string; candidates: Candidate[] }>;
}

/** Work between two yields to the event loop: far below issue 12's 50 ms ceiling. */
const sliceMs = 8;
/** Connectors kept per process; the oldest entry goes first. */
const maxConnectors = 32;
/** How much more a look-up asks for when mapped companies took places among the best. */
const overfetch = 4;

const cacheByContext = new WeakMap<AppContext, Map<string, ConnectorEntry>>();

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function buildIndex(companies: readonly NamedItem[]): Promise<NameIndex> {
  const index = createNameIndex();
  let sliceStarted = performance.now();
  for (const company of companies) {
    index.add(company);
    if (performance.now() - sliceStarted > sliceMs) {
      await yieldToLoop();
      sliceStarted = performance.now();
    }
  }
  return index;
}

async function entryFor(ctx: AppContext, connectorId: string): Promise<ConnectorEntry> {
  let cache = cacheByContext.get(ctx);
  if (!cache) {
    cache = new Map();
    cacheByContext.set(ctx, cache);
  }
  const companiesKey = await companiesFingerprint(ctx.database.db, connectorId);
  const cached = cache.get(connectorId);
  if (cached?.companiesKey === companiesKey) return cached;
  const index = listSuggestableCompanies(ctx.database.db, connectorId).then(buildIndex);
  const entry: ConnectorEntry = { companiesKey, index, mappedKey: '', byWorkspace: new Map() };
  // A failed build must not stay cached: the next request tries again.
  index.catch(() => {
    if (cache.get(connectorId) === entry) cache.delete(connectorId);
  });
  cache.delete(connectorId);
  cache.set(connectorId, entry);
  if (cache.size > maxConnectors) cache.delete(cache.keys().next().value ?? '');
  return entry;
}

function candidatesFor(
  index: NameIndex,
  workspace: NamedItem,
  mapped: ReadonlySet<string>,
  options: { limit: number; minScore: number },
): Candidate[] {
  // Mapped companies are in the index (so mapping one does not rebuild it): when some of the best
  // are mapped, ask again for more. Asking for `limit` first keeps the answer the same as an index
  // of unmapped companies alone would give whenever no mapped company ranks among the best.
  let wanted = options.limit;
  for (;;) {
    const found = index.suggest(workspace, { limit: wanted, minScore: options.minScore });
    const free = found.filter((s) => !mapped.has(s.id));
    if (free.length >= options.limit || found.length < wanted) {
      // Ranked on the normalized names; shown with the honest score (1 only for the same name).
      return free
        .slice(0, options.limit)
        .map((s) => ({
          companyId: s.id,
          companyName: s.name,
          score: honestNameScore(workspace.name, s.name),
        }))
        .sort((a, b) => b.score - a.score);
    }
    wanted *= overfetch;
  }
}

/** Fuzzy candidates for unmapped workspaces, best first. Read-only: the admin confirms each one. */
export async function suggestMappings(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
  options: {
    limit?: number | undefined;
    minScore?: number | undefined;
    workspaceIds?: string | undefined;
    offset?: number | undefined;
    pageSize?: number | undefined;
  },
): Promise<SuggestionList> {
  await requireConnector(ctx, channelId, connectorId);
  const db = ctx.database.db;
  const ids = options.workspaceIds
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0)
    .slice(0, 200);
  const [entry, mapped, workspaces] = await Promise.all([
    entryFor(ctx, connectorId),
    listMappedCompanyIds(db, connectorId),
    ids
      ? listUnmappedWorkspacesByIds(db, connectorId, channelId, ids)
      : listUnmappedWorkspaces(db, connectorId, channelId).then((all) =>
          all.slice(options.offset ?? 0, (options.offset ?? 0) + (options.pageSize ?? all.length)),
        ),
  ]);
  const index = await entry.index;
  const limit = options.limit ?? defaultSuggestOptions.limit;
  const minScore = options.minScore ?? defaultSuggestOptions.minScore;
  // Candidates depend on the mapped set and the options too: any change there starts afresh.
  const mappedKey = `${limit}/${minScore}/${[...mapped].sort().join(',')}`;
  if (entry.mappedKey !== mappedKey) {
    entry.mappedKey = mappedKey;
    entry.byWorkspace = new Map();
  }
  // A concurrent request with another mapped set may swap the map while this one yields.
  const memo = entry.byWorkspace;
  const items: SuggestionList['items'] = [];
  let sliceStarted = performance.now();
  for (const workspace of workspaces) {
    let known = memo.get(workspace.id);
    if (known?.name !== workspace.name) {
      known = {
        name: workspace.name,
        candidates: candidatesFor(index, workspace, mapped, { limit, minScore }),
      };
      memo.set(workspace.id, known);
    }
    items.push({ workspaceId: workspace.id, workspaceName: workspace.name, candidates: known.candidates });
    if (performance.now() - sliceStarted > sliceMs) {
      await yieldToLoop();
      sliceStarted = performance.now();
    }
  }
  return { items };
}
