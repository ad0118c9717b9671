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
 * Candidates indexed by name tokens and trigrams; each subject then costs index look-ups. `add`
 * indexes one more candidate, so a caller can build a large index in slices.
 */
export interface NameIndex {
  add(candidate: NamedItem): void;
  suggest(subject: NamedItem, options?: SuggestOptions): Suggestion[];
}

export function createNameIndex(initial: readonly NamedItem[] = []): NameIndex {
  const candidates: NamedItem[] = [];
  const gramIndex = new Map<string, number[]>();
  const tokenSets: Set<string>[] = [];
  const gramSets: Set<string>[] = [];
  // Shared trigram counts per candidate position, reset after each subject: a typed array, not a
  // map, because one subject may touch thousands of candidates.
  let sharedGrams = new Int32Array(64);
  const addTo = (key: string, position: number): void => {
    const list = gramIndex.get(key);
    if (list) list.push(position);
    else gramIndex.set(key, [position]);
  };
  const add = (candidate: NamedItem): void => {
    const position = candidates.length;
    candidates.push(candidate);
    const normalized = normalizeCompanyName(candidate.name);
    const tokens = new Set(normalized.split(' '));
    const grams = trigramsOf(normalized);
    tokenSets.push(tokens);
    gramSets.push(grams);
    for (const gram of grams) addTo(gram, position);
    if (position >= sharedGrams.length) sharedGrams = new Int32Array(sharedGrams.length * 2);
  };
  for (const candidate of initial) add(candidate);

  const suggest = (subject: NamedItem, options: SuggestOptions = defaultSuggestOptions): Suggestion[] => {
    const normalized = normalizeCompanyName(subject.name);
    if (normalized.length === 0) return [];
    const tokens = new Set(normalized.split(' '));
    const grams = trigramsOf(normalized);
    // A trigram most names share (a word's first letters, "llc") would touch thousands of
    // candidates: in a large index such grams do not open the door, they only count in the score.
    const commonLimit = Math.max(100, Math.floor(candidates.length / 25));
    const entry = [...grams].filter((g) => (gramIndex.get(g)?.length ?? 0) <= commonLimit);
    const isPruned = entry.length > 0 && entry.length < grams.size;
    const touched: number[] = [];
    for (const gram of isPruned ? entry : grams) {
      for (const position of gramIndex.get(gram) ?? []) {
        if (sharedGrams[position] === 0) touched.push(position);
        sharedGrams[position] = (sharedGrams[position] ?? 0) + 1;
      }
    }
    let verified = touched;
    if (isPruned) {
      // The best by shared rare grams, then their exact counts from the candidate's own sets.
      const wanted = Math.max(24, options.limit * 8);
      const histogram = new Int32Array(grams.size + 2);
      for (const position of touched) {
        const count = sharedGrams[position] ?? 0;
        histogram[count] = (histogram[count] ?? 0) + 1;
      }
      // The lowest count that still keeps about `wanted` candidates at or above it.
      let threshold = grams.size + 1;
      let seen = 0;
      while (threshold > 1 && seen < wanted) {
        threshold -= 1;
        seen += histogram[threshold] ?? 0;
      }
      const above = touched.filter((position) => (sharedGrams[position] ?? 0) > threshold);
      const at = touched.filter((position) => sharedGrams[position] === threshold);
      verified = [...above, ...at.slice(0, Math.max(0, wanted - above.length))];
      for (const position of touched) sharedGrams[position] = 0;
      for (const position of verified) {
        let count = 0;
        for (const gram of grams) if (gramSets[position]?.has(gram)) count += 1;
        sharedGrams[position] = count;
      }
    }
    const scored: Suggestion[] = [];
    for (const position of verified) {
      const candidate = candidates[position];
      const gramCount = sharedGrams[position] ?? 0;
      let tokenCount = 0;
      for (const token of tokens) if (tokenSets[position]?.has(token)) tokenCount += 1;
      if (!candidate) continue;
      const tokenScore = (2 * tokenCount) / (tokens.size + (tokenSets[position]?.size ?? 0));
      const gramScore = (2 * gramCount) / (grams.size + (gramSets[position]?.size ?? 0));
      const score = Math.round(((tokenScore + gramScore) / 2) * 1000) / 1000;
      if (score >= options.minScore) scored.push({ id: candidate.id, name: candidate.name, score });
    }
    for (const position of touched) sharedGrams[position] = 0;
    // Code-unit order for ties: localeCompare would cost more than the whole look-up.
    const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    scored.sort((x, y) => y.score - x.score || byText(x.name, y.name) || byText(x.id, y.id));
    return scored.slice(0, options.limit);
  };
  return { add, suggest };
}

/**
 * For each subject (e.g. an unmapped workspace), the best-scoring candidates (e.g. unmapped
 * companies), best first. Exact normalized matches are included with score 1: the caller decides
 * whether to offer them as auto-map. Candidates come from an inverted trigram index, so 50,000
 * companies cost index look-ups, not subjects × companies string comparisons; in a large index
 * only the less common trigrams lead to candidates (see {@link createNameIndex}). Scores are
 * exact: the same as {@link nameSimilarity}.
 */
export function suggestMatches(
  subjects: readonly NamedItem[],
  candidates: readonly NamedItem[],
  options: SuggestOptions = defaultSuggestOptions,
): Map<string, Suggestion[]> {
  const index = createNameIndex(candidates);
  return new Map(subjects.map((subject) => [subject.id, index.suggest(subject, options)]));
}

/**
 * The identity of a name for an *exact* match, as an admin reads it: only case, spacing and
 * punctuation are ignored ("ACME, Inc." = "Acme Inc"). Unlike {@link normalizeCompanyName} it keeps
 * legal forms and "the": "Evergreen Law Group" and "Evergreen Law Group LLP" may be two companies.
 */
export function exactNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`.]/g, '')
    .replace(/&/g, ' & ')
    .split(/[^\p{L}\p{N}&]+/u)
    .filter((t) => t.length > 0)
    .join(' ');
}

/** Below 1 by construction: a score shown as "100%" must mean the same name. */
const bestNonExactScore = 0.99;

/**
 * The score an admin is shown: 1 only when {@link exactNameKey} is equal; otherwise the token and
 * trigram similarity of the names as written (legal forms count), at most 0.99.
 */
export function honestNameScore(a: string, b: string): number {
  const ka = exactNameKey(a);
  const kb = exactNameKey(b);
  if (ka.length === 0 || kb.length === 0) return 0;
  if (ka === kb) return 1;
  const tokenScore = dice(new Set(ka.split(' ')), new Set(kb.split(' ')));
  const trigramScore = dice(trigramsOf(ka), trigramsOf(kb));
  return Math.min(bestNonExactScore, Math.round(((tokenScore + trigramScore) / 2) * 1000) / 1000);
}
