/**
 * Auto-map proposals, pure. Exact means equal once case, spacing and punctuation are ignored
 * ({@link exactNameKey}); anything else is "similar" with its honest score and is never
 * pre-selected. Candidates come from the normalized-name groups (the `match_name` index: same
 * name up to legal forms) and, for the rest, the token/trigram index: no workspace × company loop.
 */
import {
  createNameIndex,
  exactNameKey,
  honestNameScore,
  normalizeCompanyName,
  type NameIndex,
} from './name-match.js';

export type AutoMapExclusion =
  'inactive_company' | 'company_already_mapped' | 'several_companies' | 'several_workspaces';

export interface AutoMapWorkspace {
  readonly id: string;
  readonly name: string;
}

export interface AutoMapCompany {
  readonly id: string;
  readonly name: string;
  /** normalizeCompanyName(name), as stored. */
  readonly matchName: string;
  readonly isActive: boolean;
  readonly holder: { readonly workspaceId: string; readonly workspaceName: string } | null;
}

export interface AutoMapProposal {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly companyId: string;
  readonly companyName: string;
  readonly match: 'exact' | 'similar';
  readonly score: number;
  readonly isPreselected: boolean;
  readonly exclusion: AutoMapExclusion | null;
  readonly note: string | null;
}

/** Similar names below this are noise, not proposals. */
const minSimilarScore = 0.5;

export interface AutoMapPlanner {
  /** The workspace's exact proposal or exclusion, or null when it has no exact-name company. */
  exact(workspace: AutoMapWorkspace): AutoMapProposal | null;
  /**
   * The best similar-name proposal (call after every `exact`, so companies claimed by an exact
   * proposal are not offered twice), an exclusion when the only candidates cannot be mapped, or null.
   */
  similar(workspace: AutoMapWorkspace): AutoMapProposal | null;
  /**
   * Builds the similar-name index one company per step, after every `exact`: lets a caller
   * yield between steps (`similar` builds whatever is left itself).
   */
  indexSteps(): Generator<void>;
}

export function createAutoMapPlanner(
  workspaces: readonly AutoMapWorkspace[],
  companies: readonly AutoMapCompany[],
  psaName: string,
): AutoMapPlanner {
  const byMatchName = new Map<string, AutoMapCompany[]>();
  const exactKeyOf = new Map<string, string>();
  const byId = new Map<string, AutoMapCompany>();
  for (const c of companies) {
    byId.set(c.id, c);
    const group = byMatchName.get(c.matchName);
    if (group) group.push(c);
    else byMatchName.set(c.matchName, [c]);
    exactKeyOf.set(c.id, exactNameKey(c.name));
  }
  const workspacesPerKey = new Map<string, number>();
  for (const w of workspaces) {
    const key = exactNameKey(w.name);
    workspacesPerKey.set(key, (workspacesPerKey.get(key) ?? 0) + 1);
  }
  const claimed = new Set<string>();
  const isFree = (c: AutoMapCompany): boolean => !c.holder && c.isActive && !claimed.has(c.id);
  const index: NameIndex = createNameIndex();
  let isIndexed = false;
  let indexedUpTo = 0;
  function* indexSteps(): Generator<void> {
    for (; indexedUpTo < companies.length; indexedUpTo += 1) {
      const company = companies[indexedUpTo];
      if (company && isFree(company)) index.add(company);
      yield;
    }
    isIndexed = true;
  }

  const base = (w: AutoMapWorkspace, c: AutoMapCompany, match: 'exact' | 'similar', score: number) => ({
    workspaceId: w.id,
    workspaceName: w.name,
    companyId: c.id,
    companyName: c.name,
    match,
    score,
  });
  const excluded = (c: AutoMapCompany): Pick<AutoMapProposal, 'exclusion' | 'note'> | null => {
    if (c.holder)
      return {
        exclusion: 'company_already_mapped',
        note: `Already mapped to workspace "${c.holder.workspaceName}".`,
      };
    if (!c.isActive) return { exclusion: 'inactive_company', note: `Inactive in ${psaName}.` };
    return null;
  };

  const exact = (w: AutoMapWorkspace): AutoMapProposal | null => {
    const key = exactNameKey(w.name);
    if (key.length === 0) return null;
    const same = (byMatchName.get(normalizeCompanyName(w.name)) ?? []).filter(
      (c) => exactKeyOf.get(c.id) === key,
    );
    const company = same.find((c) => !c.holder && c.isActive) ?? same[0];
    if (!company) return null;
    const proposal = base(w, company, 'exact', 1);
    if (same.length > 1)
      return {
        ...proposal,
        isPreselected: false,
        exclusion: 'several_companies',
        note: `${same.length} ${psaName} companies have this name; map it by hand.`,
      };
    const reason = excluded(company);
    if (reason) return { ...proposal, isPreselected: false, ...reason };
    const sharing = workspacesPerKey.get(key) ?? 0;
    if (sharing > 1)
      return {
        ...proposal,
        isPreselected: false,
        exclusion: 'several_workspaces',
        note: `${sharing} workspaces have this name; map them by hand.`,
      };
    claimed.add(company.id);
    return { ...proposal, isPreselected: true, exclusion: null, note: null };
  };

  const similar = (w: AutoMapWorkspace): AutoMapProposal | null => {
    const matchName = normalizeCompanyName(w.name);
    const group = matchName.length > 0 ? (byMatchName.get(matchName) ?? []) : [];
    // Same name up to legal forms: the stored match_name finds it without scoring anything else.
    const sameName = group
      .filter(isFree)
      .map((c) => ({ company: c, score: honestNameScore(w.name, c.name) }))
      .sort((a, b) => b.score - a.score)[0];
    if (sameName)
      return {
        ...base(w, sameName.company, 'similar', sameName.score),
        isPreselected: false,
        exclusion: null,
        note: null,
      };
    if (!isIndexed) Array.from(indexSteps()); // runs the remaining steps at once
    // The index ranks by the normalized names; the score shown is the honest one.
    const top = index.suggest(w, { limit: 1, minScore: minSimilarScore })[0];
    const company = top ? byId.get(top.id) : undefined;
    const score = company ? honestNameScore(w.name, company.name) : 0;
    if (company && score >= minSimilarScore)
      return { ...base(w, company, 'similar', score), isPreselected: false, exclusion: null, note: null };
    // Nothing mappable; say so when the name's own group only holds mapped or inactive companies.
    const blocked = group[0];
    const reason = blocked ? excluded(blocked) : null;
    if (!blocked || !reason) return null;
    return {
      ...base(w, blocked, 'similar', honestNameScore(w.name, blocked.name)),
      isPreselected: false,
      ...reason,
    };
  };

  return { exact, similar, indexSteps };
}
