import type { AutoMapProposal, AutoMapProposalList } from '../../api/types.js';

type Exclusion = NonNullable<AutoMapProposal['exclusion']>;

/** Why a pair is not offered, in the admin's words (the proposal's note adds the specifics). */
export function exclusionLabel(exclusion: Exclusion, psaName: string): string {
  const labels: Record<Exclusion, string> = {
    inactive_company: `Company inactive in ${psaName}`,
    company_already_mapped: 'Company already mapped',
    several_companies: 'Several companies have this name',
    several_workspaces: 'Several workspaces have this name',
  };
  return labels[exclusion];
}

/** Exact pairs first, then similar ones best first, then what cannot be applied. */
export function orderProposals(items: readonly AutoMapProposal[]): AutoMapProposal[] {
  const rank = (p: AutoMapProposal) => (p.exclusion ? 2 : p.match === 'exact' ? 0 : 1);
  return [...items].sort(
    (a, b) => rank(a) - rank(b) || b.score - a.score || a.workspaceName.localeCompare(b.workspaceName),
  );
}

/** "88%": never 100 % for a pair that is not an exact name. */
export function scoreLabel(p: AutoMapProposal): string {
  const percent = Math.round(p.score * 100);
  return `${p.match === 'exact' ? percent : Math.min(99, percent)}%`;
}

/** Every applicable pair, each company once (the first, i.e. the best, keeps it). */
export function selectAll(ordered: readonly AutoMapProposal[]): Set<string> {
  const companies = new Set<string>();
  const selected = new Set<string>();
  for (const p of ordered) {
    if (p.exclusion || companies.has(p.companyId)) continue;
    companies.add(p.companyId);
    selected.add(p.workspaceId);
  }
  return selected;
}

export const preselected = (list: AutoMapProposalList): Set<string> =>
  new Set(list.items.filter((p) => p.isPreselected).map((p) => p.workspaceId));

/** Company names chosen for more than one selected workspace: the server would refuse those. */
export function repeatedCompanies(
  items: readonly AutoMapProposal[],
  selected: ReadonlySet<string>,
): string[] {
  const seen = new Map<string, number>();
  for (const p of items)
    if (selected.has(p.workspaceId)) seen.set(p.companyName, (seen.get(p.companyName) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([name]) => name);
}
