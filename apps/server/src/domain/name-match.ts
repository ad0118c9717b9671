/**
 * Company-name matching between Coro workspaces and PSA companies. Pure: no I/O.
 *
 * Two tools, kept apart on purpose (peers §0.4): an exact match on a normalized name, which may be
 * applied in bulk because it cannot guess wrong in any way an admin would dispute, and a fuzzy score
 * that only ever produces *suggestions* the admin confirms one by one.
 */

// Legal-form words that say nothing about which customer it is. Only stripped at the end of a name
// ("Company Store Inc" → "company store"), never in the middle.
const legalSuffixes = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'bv',
  'nv',
  'pty',
  'pc',
  'pllc',
]);

/** Lower-cased, accent-free, whitespace-collapsed: the form stored for server-side search. */
export function toSearchKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function tokensOf(value: string): string[] {
  return toSearchKey(value)
    .replace(/&/g, ' and ')
    .replace(/['’`.]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * The identity of a company name for exact matching: case, accents, punctuation, "&"/"and", a
 * leading "the" and trailing legal forms (Inc, LLC, LLP, Ltd, Corp, …) do not count.
 * A name made only of such words is kept as is rather than normalized to nothing.
 */
export function normalizeCompanyName(name: string): string {
  const tokens = tokensOf(name);
  let end = tokens.length;
  while (end > 1 && legalSuffixes.has(tokens[end - 1] ?? '')) end -= 1;
  let start = 0;
  if (end - start > 1 && tokens[0] === 'the') start = 1;
  return tokens.slice(start, end).join(' ');
}

function trigramsOf(normalized: string): Set<string> {
  const grams = new Set<string>();
  for (const word of normalized.split(' ')) {
    if (word.length === 0) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i += 1) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/**
 * Similarity of two company names in [0, 1], rounded to 3 decimals; 1 means "equal once
 * normalized". Averages a token-set score (word order and extra words such as "Center" or
 * "Clinic") with a trigram score (typos, joined or split words).
 */
export function nameSimilarity(a: string, b: string): number {
  const na = normalizeCompanyName(a);
  const nb = normalizeCompanyName(b);
  if (na === nb) return na.length > 0 ? 1 : 0;
  const tokenScore = dice(new Set(na.split(' ')), new Set(nb.split(' ')));
  const trigramScore = dice(trigramsOf(na), trigramsOf(nb));
  return Math.round(((tokenScore + trigramScore) / 2) * 1000) / 1000;
}

export interface NamedItem {
  readonly id: string;
  readonly name: string;
}

export interface Suggestion {
  readonly id: string;
  readonly name: string;
  readonly score: number;
}

export interface SuggestOptions {
  /** Candidates per subject. */
  readonly limit: number;
  /** Scores below this are noise and never shown. */
  readonly minScore: number;
}

export const defaultSuggestOptions: SuggestOptions = { limit: 3, minScore: 0.5 };

/**
 * For each subject (e.g. an unmapped workspace), the best-scoring candidates (e.g. unmapped
 * companies), best first. Exact normalized matches are included with score 1: the caller decides
 * whether to offer them as auto-map. Scores come from inverted token and trigram indexes (shared
 * counts give both dice coefficients exactly), so 50,000 companies cost index look-ups, not
 * subjects × companies string comparisons. Same scores as {@link nameSimilarity}.
 */
export function suggestMatches(
  subjects: readonly NamedItem[],
  candidates: readonly NamedItem[],
  options: SuggestOptions = defaultSuggestOptions,
): Map<string, Suggestion[]> {
  const gramIndex = new Map<string, number[]>();
  const tokenIndex = new Map<string, number[]>();
  const sizes: { tokens: number; grams: number }[] = [];
  const addTo = (index: Map<string, number[]>, key: string, position: number): void => {
    const list = index.get(key);
    if (list) list.push(position);
    else index.set(key, [position]);
  };
  candidates.forEach((candidate, position) => {
    const normalized = normalizeCompanyName(candidate.name);
    const tokens = new Set(normalized.split(' '));
    const grams = trigramsOf(normalized);
    sizes.push({ tokens: tokens.size, grams: grams.size });
    for (const token of tokens) addTo(tokenIndex, token, position);
    for (const gram of grams) addTo(gramIndex, gram, position);
  });

  const result = new Map<string, Suggestion[]>();
  for (const subject of subjects) {
    const normalized = normalizeCompanyName(subject.name);
    const tokens = new Set(normalized.split(' '));
    const grams = trigramsOf(normalized);
    const sharedGrams = new Map<number, number>();
    const sharedTokens = new Map<number, number>();
    for (const gram of grams) {
      for (const position of gramIndex.get(gram) ?? [])
        sharedGrams.set(position, (sharedGrams.get(position) ?? 0) + 1);
    }
    for (const token of tokens) {
      for (const position of tokenIndex.get(token) ?? [])
        sharedTokens.set(position, (sharedTokens.get(position) ?? 0) + 1);
    }
    const scored: Suggestion[] = [];
    for (const [position, gramCount] of sharedGrams) {
      const size = sizes[position];
      const candidate = candidates[position];
      if (!size || !candidate || normalized.length === 0) continue;
      const tokenScore = (2 * (sharedTokens.get(position) ?? 0)) / (tokens.size + size.tokens);
      const gramScore = (2 * gramCount) / (grams.size + size.grams);
      const score = Math.round(((tokenScore + gramScore) / 2) * 1000) / 1000;
      if (score >= options.minScore) scored.push({ id: candidate.id, name: candidate.name, score });
    }
    scored.sort((x, y) => y.score - x.score || x.name.localeCompare(y.name) || x.id.localeCompare(y.id));
    result.set(subject.id, scored.slice(0, options.limit));
  }
  return result;
}
