import { isIP } from 'node:net';

/** Why an address may not receive webhooks; `null` = public, allowed. */
export const blockedAddressReasons = [
  'loopback',
  'private',
  'link_local',
  'cgnat',
  'metadata',
  'unspecified',
  'multicast',
  'invalid',
] as const;
export type BlockedAddressReason = (typeof blockedAddressReasons)[number];

/**
 * Classifies one resolved IP address. Pure, so the rules are table-tested; delivery calls it on
 * every resolved address (DNS may change between PUT and send), not only on the configured host.
 */
export function classifyAddress(address: string): BlockedAddressReason | null {
  const family = isIP(address);
  if (family === 4) return classifyIpv4(address);
  if (family === 6) return classifyIpv6(address);
  return 'invalid';
}

function classifyIpv4(address: string): BlockedAddressReason | null {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  if (a === 169 && b === 254 && c === 169 && d === 254) return 'metadata';
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link_local';
  if (a === 100 && b >= 64 && b <= 127) return 'cgnat';
  if (a >= 224) return 'multicast';
  return null;
}

function classifyIpv6(address: string): BlockedAddressReason | null {
  const groups = expandIpv6(address);
  if (groups === null) return 'invalid';
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 host: judge it as that host.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return classifyIpv4(`${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`);
  }
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && g7 === 1) return 'loopback';
  if ((g0 & 0xfe00) === 0xfc00) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) =>
    parseInt(g, 16),
  );
}

export type WebhookUrlProblem =
  | { readonly rule: 'invalid_url' }
  | { readonly rule: 'https_required' }
  | { readonly rule: 'unresolvable' }
  | { readonly rule: 'blocked_address'; readonly reason: BlockedAddressReason };

/**
 * Static checks of a webhook URL (scheme, literal IP hosts). Host names are checked again once
 * resolved, at PUT and at delivery. `isPrivateAllowed` (WEBHOOK_ALLOW_PRIVATE) lifts both the
 * address rules and the https rule, for local receivers in tests and closed networks.
 */
export function checkWebhookUrl(raw: string, isPrivateAllowed: boolean): WebhookUrlProblem | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { rule: 'invalid_url' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { rule: 'invalid_url' };
  if (url.username !== '' || url.password !== '') return { rule: 'invalid_url' };
  if (isPrivateAllowed) return null;
  if (url.protocol !== 'https:') return { rule: 'https_required' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost'))
    return { rule: 'blocked_address', reason: 'loopback' };
  if (isIP(host) !== 0) {
    const reason = classifyAddress(host);
    if (reason !== null) return { rule: 'blocked_address', reason };
  }
  return null;
}
