/**
 * Service-name matching between Coro's catalog and PSA services. Pure. The one list of known
 * aliases lives here: abbreviations vendors and MSPs use for the same product ("MDM" for Mobile
 * Device Management). Suggestions only: the admin accepts each one.
 */
import { exactNameKey, honestNameScore } from './name-match.js';

/** Each group names one Coro product; any member may appear in a PSA service name. */
export const serviceAliasGroups: readonly (readonly string[])[] = [
  ['endpoint security', 'endpoint protection', 'epp', 'antivirus', 'next gen antivirus', 'ngav'],
  ['edr', 'endpoint detection and response', 'endpoint detection & response'],
  ['email security', 'e-mail security', 'mail security', 'email protection'],
  ['cloud security', 'casb', 'cloud app security', 'saas security'],
  ['user data governance', 'udg', 'user dlp'],
  ['endpoint data governance', 'edg', 'endpoint dlp'],
  ['mobile device management', 'mdm', 'mobile management'],
  ['security awareness training', 'sat', 'awareness training', 'phishing simulation'],
  ['secure messages', 'secure messaging', 'encrypted email', 'email encryption'],
  ['inbound gateway', 'email gateway', 'mail gateway'],
  ['wi-fi phishing', 'wifi phishing', 'wireless phishing'],
  ['secure web gateway', 'swg', 'web filtering', 'dns filtering'],
];

// Words that name the vendor, not the product: "Coro EDR" is the EDR service.
const vendorWords = new Set(['coro']);

export type ServiceMatchReason = 'name' | 'abbreviation' | 'alias';

export interface ServiceCandidate {
  readonly id: string;
  readonly name: string;
}

export interface ServiceSuggestion {
  readonly id: string;
  readonly name: string;
  readonly score: number;
  readonly reason: ServiceMatchReason;
}

const tokens = (value: string): string[] => exactNameKey(value).split(' ').filter(Boolean);
const withoutVendor = (value: string): string =>
  tokens(value)
    .filter((t) => !vendorWords.has(t))
    .join(' ');

/** Initials of a multi-word name: "Mobile Device Management" → "mdm"; none for one word. */
export function abbreviationOf(name: string): string | null {
  const words = tokens(name).filter((t) => t !== 'and' && t !== '&' && t !== 'of');
  return words.length > 1 ? words.map((w) => w[0]).join('') : null;
}

/** True when `phrase`'s words appear in `text`'s words, consecutively. */
function containsPhrase(text: string[], phrase: string[]): boolean {
  if (phrase.length === 0 || phrase.length > text.length) return false;
  for (let i = 0; i + phrase.length <= text.length; i += 1)
    if (phrase.every((p, j) => text[i + j] === p)) return true;
  return false;
}

const aliasesOf = (serviceName: string): readonly string[] => {
  const key = exactNameKey(serviceName);
  return serviceAliasGroups.find((g) => g.some((a) => exactNameKey(a) === key)) ?? [];
};

/**
 * How well a PSA service name fits a Coro service, with the reason, or null. 1 only for the same
 * name; the same name once the vendor word is dropped 0.95; the name or a known alias inside a
 * longer name 0.9; the initials 0.85; else the honest name score when at least 0.5.
 */
export function scoreServiceMatch(
  coroName: string,
  psaName: string,
): { score: number; reason: ServiceMatchReason } | null {
  const nameScore = honestNameScore(coroName, psaName);
  if (nameScore === 1) return { score: 1, reason: 'name' };
  const product = withoutVendor(psaName);
  if (product.length > 0 && product === withoutVendor(coroName)) return { score: 0.95, reason: 'name' };
  const psaTokens = tokens(psaName);
  const coroKey = exactNameKey(coroName);
  if (containsPhrase(psaTokens, tokens(coroName))) return { score: 0.9, reason: 'name' };
  for (const alias of aliasesOf(coroName)) {
    if (exactNameKey(alias) !== coroKey && containsPhrase(psaTokens, tokens(alias)))
      return { score: 0.9, reason: 'alias' };
  }
  const coroInitials = abbreviationOf(coroName);
  const psaInitials = abbreviationOf(product);
  if (
    (coroInitials !== null && psaTokens.includes(coroInitials)) ||
    (psaInitials !== null && tokens(coroName).join('') === psaInitials)
  )
    return { score: 0.85, reason: 'abbreviation' };
  return nameScore >= 0.5 ? { score: nameScore, reason: 'name' } : null;
}

/** The best PSA services for one Coro service, best first (at most `limit`). */
export function suggestServices(
  coroName: string,
  candidates: readonly ServiceCandidate[],
  limit = 3,
): ServiceSuggestion[] {
  const scored: ServiceSuggestion[] = [];
  for (const c of candidates) {
    const match = scoreServiceMatch(coroName, c.name);
    if (match) scored.push({ id: c.id, name: c.name, ...match });
  }
  scored.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return scored.slice(0, limit);
}
