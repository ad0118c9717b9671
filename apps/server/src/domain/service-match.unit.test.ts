import { describe, expect, it } from 'vitest';

import { abbreviationOf, scoreServiceMatch, serviceAliasGroups, suggestServices } from './service-match.js';

describe('scoreServiceMatch', () => {
  it.each([
    ['EDR', 'EDR', 1, 'name'],
    ['EDR', 'Coro EDR', 0.95, 'name'],
    ['Email Security', 'Coro Email Security', 0.95, 'name'],
    ['Email Security', 'Email Security Premium', 0.9, 'name'],
    ['Mobile Device Management', 'Coro MDM', 0.9, 'alias'],
    ['EDR', 'Endpoint Detection and Response', 0.9, 'alias'],
    ['EDR', 'Endpoint Detection & Response (per device)', 0.9, 'alias'],
    ['Security Awareness Training', 'SAT per user', 0.9, 'alias'],
    ['Secure Web Gateway', 'Acme SWG', 0.9, 'alias'],
    ['User Data Governance', 'Acme UDG seats', 0.9, 'alias'],
  ] as const)('%j ↔ %j: %d by %s', (coro, psa, score, reason) => {
    expect(scoreServiceMatch(coro, psa)).toStrictEqual({ score, reason });
  });

  it('finds initials that are not in the alias list', () => {
    expect(abbreviationOf('Inbound Gateway')).toBe('ig');
    expect(scoreServiceMatch('Inbound Gateway', 'Coro IG')).toStrictEqual({
      score: 0.85,
      reason: 'abbreviation',
    });
    expect(abbreviationOf('EDR')).toBeNull();
  });

  it.each([
    ['EDR', 'Managed Backup'],
    ['Mobile Device Management', 'Help Desk Per User'],
    ['Email Security', 'Firewall Monitoring'],
  ])('%j ↔ %j: no suggestion', (coro, psa) => {
    expect(scoreServiceMatch(coro, psa)).toBeNull();
  });

  it('keeps every alias in one group only', () => {
    const all = serviceAliasGroups.flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('suggestServices', () => {
  const psa = [
    { id: '1', name: 'Coro Endpoint Security' },
    { id: '2', name: 'Coro EDR' },
    { id: '3', name: 'Coro MDM' },
    { id: '4', name: 'Managed Backup' },
    { id: '5', name: 'Coro Endpoint Data Governance' },
  ];
  it('ranks the best first and leaves unrelated services out', () => {
    expect(suggestServices('Mobile Device Management', psa).map((s) => s.id)).toStrictEqual(['3']);
    expect(suggestServices('Endpoint Security', psa)[0]).toMatchObject({ id: '1', score: 0.95 });
    expect(suggestServices('EDR', psa)[0]).toMatchObject({ id: '2', reason: 'name' });
  });
});
