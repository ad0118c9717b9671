import { lookup } from 'node:dns/promises';

import { checkWebhookUrl, classifyAddress, type WebhookUrlProblem } from './webhook-target.rules.js';

/**
 * The URL rules plus every address its host resolves to. Called when the URL is saved and again
 * before each delivery, because DNS may change in between (rebinding).
 */
export async function checkWebhookTarget(
  raw: string,
  isPrivateAllowed: boolean,
): Promise<WebhookUrlProblem | null> {
  const problem = checkWebhookUrl(raw, isPrivateAllowed);
  if (problem !== null || isPrivateAllowed) return problem;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return { rule: 'unresolvable' };
  }
  for (const { address } of addresses) {
    const reason = classifyAddress(address);
    if (reason !== null) return { rule: 'blocked_address', reason };
  }
  return null;
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
