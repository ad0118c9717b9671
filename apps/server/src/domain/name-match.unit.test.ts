import { describe, expect, it } from 'vitest';

import {
  createNameIndex,
  exactNameKey,
  honestNameScore,
  nameSimilarity,
  normalizeCompanyName,
  suggestMatches,
  toSearchKey,
} from './name-match.js';

describe('normalizeCompanyName', () => {
  it.each([
    ['Acme Corporation', 'acme'],
    ['Quantum Analytics Inc.', 'quantum analytics'],
    ['Quantum Analytics', 'quantum analytics'],
    ['Evergreen Law Group LLP', 'evergreen law group'],
    ['Smith & Sons, Ltd', 'smith and sons'],
    ['Smith and Sons Limited', 'smith and sons'],
    ['  The   Harbor Co. ', 'harbor'],
    ['Café Zürich GmbH', 'cafe zurich'],
    ["O'Brien Plumbing, L.L.C.", 'obrien plumbing'],
    ['Company', 'company'],
    ['The', 'the'],
    ['Inc Corp', 'inc'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });
});

describe('toSearchKey', () => {
  it.each([
    ['Acme  Corporation', 'acme corporation'],
    [' Zürich ', 'zurich'],
    ['ACME', 'acme'],
  ])('%j → %j', (input, expected) => {
    expect(toSearchKey(input)).toBe(expected);
  });
});

describe('nameSimilarity', () => {
  it.each([
    ['Acme Corporation', 'ACME corp.', 1],
    ['Quantum Analytics', 'Quantum Analytics Inc.', 1],
    ['Acme', '', 0],
    ['', '', 0],
  ])('%j vs %j = %d', (a, b, expected) => {
    expect(nameSimilarity(a, b)).toBe(expected);
  });

  it('scores extra words high but below an exact match', () => {
    const score = nameSimilarity('Harborview Medical', 'Harborview Medical Center');
    expect(score).toBeGreaterThan(0.7);
    expect(score).toBeLessThan(1);
  });

  it('tolerates a typo', () => {
    expect(nameSimilarity('Lakeside Veterinary', 'Lakeside Veterinery')).toBeGreaterThan(0.6);
  });

  it('scores unrelated names low', () => {
    expect(nameSimilarity('Acme Corporation', 'Blue Harbor Logistics')).toBeLessThan(0.2);
  });

  it('is symmetric', () => {
    expect(nameSimilarity('Lakeside Veterinary Clinic', 'Lakeside Veterinary')).toBe(
      nameSimilarity('Lakeside Veterinary', 'Lakeside Veterinary Clinic'),
    );
  });
});

describe('suggestMatches', () => {
  const companies = [
    { id: 'c1', name: 'Harborview Medical Center' },
    { id: 'c2', name: 'Harbor Freight' },
    { id: 'c3', name: 'Lakeside Veterinary Clinic' },
    { id: 'c4', name: 'Acme Corporation' },
    { id: 'c5', name: 'Coro Cybersecurity' },
  ];

  it('ranks the best candidates first and agrees with nameSimilarity', () => {
    const result = suggestMatches([{ id: 'w1', name: 'Harborview Medical' }], companies);
    const suggestions = result.get('w1') ?? [];
    expect(suggestions[0]?.id).toBe('c1');
    expect(suggestions[0]?.score).toBe(nameSimilarity('Harborview Medical', 'Harborview Medical Center'));
    expect(suggestions.every((s) => s.score >= 0.5)).toBe(true);
  });

  it('includes an exact normalized match with score 1', () => {
    expect(suggestMatches([{ id: 'w', name: 'ACME Corp' }], companies).get('w')?.[0]).toStrictEqual({
      id: 'c4',
      name: 'Acme Corporation',
      score: 1,
    });
  });

  it('returns an empty list when nothing is close', () => {
    expect(suggestMatches([{ id: 'w', name: 'Nimbus Cloud Services' }], companies).get('w')).toStrictEqual(
      [],
    );
  });

  it('honours the limit and the minimum score', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, name: `Harborview Medical ${i}` }));
    expect(
      suggestMatches([{ id: 'w', name: 'Harborview Medical' }], many, { limit: 2, minScore: 0.5 }).get('w'),
    ).toHaveLength(2);
    expect(
      suggestMatches([{ id: 'w', name: 'Harborview Medical' }], many, { limit: 5, minScore: 0.99 }).get('w'),
    ).toStrictEqual([]);
  });
});

describe('exactNameKey: only case, spacing and punctuation are ignored', () => {
  it.each([
    ['ACME, Inc.', 'Acme Inc'],
    ['  Blue   Harbor-Logistics ', 'blue harbor logistics'],
    ["O'Brien Plumbing", 'OBrien plumbing'],
    ['Smith & Sons', 'Smith&Sons'],
  ])('%j equals %j', (a, b) => {
    expect(exactNameKey(a)).toBe(exactNameKey(b));
  });
  it.each([
    ['Evergreen Law Group', 'Evergreen Law Group LLP'],
    ['Quantum Analytics', 'Quantum Analytics Inc.'],
    ['The Harbor', 'Harbor'],
    ['Smith & Sons', 'Smith and Sons'],
    ['Smith & Sons', 'Smith Sons'],
  ])('%j differs from %j', (a, b) => {
    expect(exactNameKey(a)).not.toBe(exactNameKey(b));
  });
});

describe('honestNameScore', () => {
  it('is 1 only for an exact name', () => {
    expect(honestNameScore('ACME, Inc.', 'Acme Inc')).toBe(1);
    expect(honestNameScore('', '')).toBe(0);
  });
  it.each([
    ['Evergreen Law Group', 'Evergreen Law Group LLP'],
    ['Quantum Analytics', 'Quantum Analytics Inc.'],
    ['Law Group Evergreen', 'Evergreen Law Group'],
  ])('scores %j ↔ %j below 1 although nameSimilarity says 1', (a, b) => {
    expect(nameSimilarity(a, b)).toBe(1);
    const score = honestNameScore(a, b);
    expect(score).toBeLessThan(1);
    expect(score).toBeGreaterThan(0.5);
  });
});

describe('createNameIndex on a large index', () => {
  // 400 names sharing their first letters and suffixes: common trigrams only count, and the
  // scores of what is found are still exactly nameSimilarity's.
  const firsts = ['Acme', 'Aurora', 'Apex', 'Atlas'];
  const trades = Array.from({ length: 100 }, (_, i) => `Trade${String.fromCharCode(97 + (i % 26))}${i}`);
  const many = firsts.flatMap((f) => trades.map((t, i) => ({ id: `${f}${i}`, name: `${f} ${t} LLC` })));
  it('finds the typo and scores it exactly', () => {
    const index = createNameIndex(many);
    const [best] = index.suggest({ id: 'w', name: 'Aurora Tradeb1 LLC' }, { limit: 1, minScore: 0.5 });
    expect(best?.name).toBe('Aurora Tradeb1 LLC');
    const [typo] = index.suggest({ id: 'w', name: 'Auroar Tradec2' }, { limit: 1, minScore: 0.3 });
    expect(typo).toStrictEqual({
      id: 'Aurora2',
      name: 'Aurora Tradec2 LLC',
      score: nameSimilarity('Auroar Tradec2', 'Aurora Tradec2 LLC'),
    });
  });
});
