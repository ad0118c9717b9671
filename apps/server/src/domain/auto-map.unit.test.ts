import { describe, expect, it } from 'vitest';

import { createAutoMapPlanner, type AutoMapCompany, type AutoMapProposal } from './auto-map.js';
import { normalizeCompanyName } from './name-match.js';

const company = (id: string, name: string, extra: Partial<AutoMapCompany> = {}): AutoMapCompany => ({
  id,
  name,
  matchName: normalizeCompanyName(name),
  isActive: true,
  holder: null,
  ...extra,
});

/** Both passes, as the service runs them: exact for all, then similar for the rest. */
function plan(workspaces: { id: string; name: string }[], companies: AutoMapCompany[]) {
  const planner = createAutoMapPlanner(workspaces, companies, 'Autotask');
  const result = new Map<string, AutoMapProposal>();
  for (const w of workspaces) {
    const p = planner.exact(w);
    if (p) result.set(w.name, p);
  }
  for (const w of workspaces) {
    if (result.has(w.name)) continue;
    const p = planner.similar(w);
    if (p) result.set(w.name, p);
  }
  return result;
}

describe('auto-map planner', () => {
  it('pre-selects exact names only and scores a legal-form difference below 1', () => {
    const result = plan(
      [
        { id: 'w1', name: 'ACME, Inc.' },
        { id: 'w2', name: 'Evergreen Law Group' },
        { id: 'w3', name: 'Lakeside Veterinary' },
        { id: 'w4', name: 'Nimbus Cloud Services' },
      ],
      [
        company('1', 'Acme Inc'),
        company('2', 'Evergreen Law Group LLP'),
        company('3', 'Lakeside Veterinary Clinic'),
      ],
    );
    expect(result.get('ACME, Inc.')).toMatchObject({
      companyId: '1',
      match: 'exact',
      score: 1,
      isPreselected: true,
    });
    const evergreen = result.get('Evergreen Law Group')!;
    expect(evergreen).toMatchObject({
      companyId: '2',
      match: 'similar',
      isPreselected: false,
      exclusion: null,
    });
    expect(evergreen.score).toBeLessThan(1);
    expect(result.get('Lakeside Veterinary')).toMatchObject({ companyId: '3', match: 'similar' });
    expect(result.has('Nimbus Cloud Services')).toBe(false);
  });

  it('excludes, with the reason, inactive and held companies and ambiguous names', () => {
    const result = plan(
      [
        { id: 'w1', name: 'Hollow Creek Farms' },
        { id: 'w2', name: 'Acme' },
        { id: 'w3', name: 'Twin' },
        { id: 'w4', name: 'Same Name' },
        { id: 'w5', name: 'same name' },
        { id: 'w6', name: 'Hollow Creek Farms LLC' },
      ],
      [
        company('1', 'Hollow Creek Farms', { isActive: false }),
        company('2', 'Acme', { holder: { workspaceId: 'x', workspaceName: 'Other' } }),
        company('3', 'Twin'),
        company('4', 'TWIN'),
        company('5', 'Same Name'),
      ],
    );
    expect(result.get('Hollow Creek Farms')).toMatchObject({
      exclusion: 'inactive_company',
      isPreselected: false,
    });
    expect(result.get('Acme')).toMatchObject({
      exclusion: 'company_already_mapped',
      note: expect.stringContaining('Other'),
    });
    expect(result.get('Twin')).toMatchObject({ exclusion: 'several_companies' });
    expect(result.get('Same Name')).toMatchObject({ exclusion: 'several_workspaces' });
    expect(result.get('same name')).toMatchObject({ exclusion: 'several_workspaces' });
    // Only an inactive company under the same name: excluded, not proposed as similar.
    expect(result.get('Hollow Creek Farms LLC')).toMatchObject({
      match: 'similar',
      exclusion: 'inactive_company',
    });
  });

  it('never offers a company an exact pair claimed as another workspace’s similar match', () => {
    const result = plan(
      [
        { id: 'w1', name: 'Harbor Medical' },
        { id: 'w2', name: 'Harbor Medical Center' },
      ],
      [company('1', 'Harbor Medical Center')],
    );
    expect(result.get('Harbor Medical Center')).toMatchObject({ match: 'exact', isPreselected: true });
    expect(result.has('Harbor Medical')).toBe(false);
  });
});
