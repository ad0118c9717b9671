import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { checkWebhookUrl, classifyAddress, type WebhookUrlProblem } from './webhook-target.rules.js';

/** Every address a host name resolves to (injectable so tests can play a rebinding DNS). */
export type WebhookLookup = (host: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: WebhookLookup = (host) => lookup(host, { all: true, verbatim: true });

export type ResolvedWebhookTarget =
  | { readonly ok: true; readonly address: string; readonly family: 4 | 6 }
  | { readonly ok: false; readonly problem: WebhookUrlProblem };

/**
 * The URL rules plus every address its host resolves to, and the one address to connect to.
 * Called when the URL is saved and again at each delivery, which then connects to exactly the
 * address checked here: a second DNS answer (rebinding) cannot swap in a private address.
 */
export async function resolveWebhookTarget(
  raw: string,
  isPrivateAllowed: boolean,
  lookupHost: WebhookLookup = systemLookup,
): Promise<ResolvedWebhookTarget> {
  const problem = checkWebhookUrl(raw, isPrivateAllowed);
  if (problem !== null) return { ok: false, problem };
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  let addresses: readonly { address: string; family: number }[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await lookupHost(host);
    } catch {
      return { ok: false, problem: { rule: 'unresolvable' } };
    }
  }
  const first = addresses[0];
  if (first === undefined) return { ok: false, problem: { rule: 'unresolvable' } };
  if (!isPrivateAllowed) {
    for (const { address } of addresses) {
      const reason = classifyAddress(address);
      if (reason !== null) return { ok: false, problem: { rule: 'blocked_address', reason } };
    }
  }
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** The check at save time: the same rules as delivery, without keeping the address. */
export async function checkWebhookTarget(
  raw: string,
  isPrivateAllowed: boolean,
  lookupHost: WebhookLookup = systemLookup,
): Promise<WebhookUrlProblem | null> {
  // Private targets allowed (tests, closed networks): a name that resolves only inside the
  // delivery network may still be saved; delivery resolves it and says so if it cannot.
  if (isPrivateAllowed) return checkWebhookUrl(raw, isPrivateAllowed);
  const resolved = await resolveWebhookTarget(raw, isPrivateAllowed, lookupHost);
  return resolved.ok ? null : resolved.problem;
}

export function describeWebhookProblem(problem: WebhookUrlProblem): string {
  switch (problem.rule) {
    case 'invalid_url':
      return 'The webhook URL must be an absolute http(s) URL without user or password.';
    case 'https_required':
      return 'The webhook URL must use https.';
    case 'unresolvable':
      return 'The webhook host does not resolve.';
    case 'blocked_address':
      return `The webhook host resolves to a ${problem.reason.replace('_', '-')} address, which may not receive webhooks.`;
  }
}
