import type { LookupAddress } from 'node:dns';
import { Agent, fetch } from 'undici';

import { parseRetryAfterMs } from '../lib/backoff.js';
import type { WebhookUrlProblem } from './webhook-target.rules.js';
import { resolveWebhookTarget, type WebhookLookup } from './webhook-target.resolve.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook.signature.js';
import {
  classifyWebhookStatus,
  defaultWebhookRetryPolicy,
  webhookRetryDecision,
  type WebhookAttemptResult,
  type WebhookRetryPolicy,
} from './webhook.retry.js';

export interface WebhookDelivery {
  readonly url: string;
  /** Decrypted per-connector secret: used to sign here, never logged or returned. */
  readonly secret: string;
  readonly body: string;
  /** WEBHOOK_ALLOW_PRIVATE: lifts the address rules (the address is still resolved and pinned). */
  readonly isPrivateAllowed: boolean;
  /** DNS for the delivery-time check; the system resolver unless a test plays one. */
  readonly lookup?: WebhookLookup;
  readonly timeoutMs?: number;
  readonly policy?: WebhookRetryPolicy;
  readonly clock?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WebhookDeliveryResult {
  readonly isDelivered: boolean;
  /** 0 when the target was refused before any request. */
  readonly attempts: number;
  readonly lastOutcome: WebhookAttemptResult['outcome'] | 'refused';
  readonly lastStatus: number | null;
  /** Why the delivery-time check refused the target (only with `lastOutcome: 'refused'`). */
  readonly refused?: WebhookUrlProblem;
}

/**
 * POSTs a signed JSON body with a per-attempt timeout and bounded retries. Each attempt is signed
 * afresh (new `t`), so a slow retry is not rejected as a replay. Never throws.
 *
 * The host is resolved and checked again here (DNS may have changed since the URL was saved) and
 * every attempt connects to that checked address: the socket's lookup is pinned to it, while the
 * URL (Host header, TLS SNI and certificate name) stays the configured one.
 */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<WebhookDeliveryResult> {
  const target = await resolveWebhookTarget(delivery.url, delivery.isPrivateAllowed, delivery.lookup);
  if (!target.ok)
    return {
      isDelivered: false,
      attempts: 0,
      lastOutcome: 'refused',
      lastStatus: null,
      refused: target.problem,
    };
  const dispatcher = pinnedAgent(target.address, target.family);
  const policy = delivery.policy ?? defaultWebhookRetryPolicy;
  const clock = delivery.clock ?? (() => new Date());
  const sleep = delivery.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  try {
    for (let attempt = 1; ; attempt += 1) {
      const result = await attemptOnce(delivery, dispatcher, clock);
      const decision = webhookRetryDecision(result, attempt, policy);
      if (!decision.retry) {
        return {
          isDelivered: result.outcome === 'delivered',
          attempts: attempt,
          lastOutcome: result.outcome,
          lastStatus: result.status ?? null,
        };
      }
      await sleep(decision.waitMs);
    }
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

/** An agent whose every connection goes to `address`, whatever a resolver would answer now. */
function pinnedAgent(address: string, family: 4 | 6): Agent {
  return new Agent({
    connect: {
      lookup: (_host, options, callback) => {
        // net.connect asks for a list when it may try several families (autoSelectFamily).
        if ((options as { all?: boolean }).all)
          (callback as (e: null, a: LookupAddress[]) => void)(null, [{ address, family }]);
        else callback(null, address, family);
      },
    },
  });
}

async function attemptOnce(
  delivery: WebhookDelivery,
  dispatcher: Agent,
  clock: () => Date,
): Promise<WebhookAttemptResult> {
  const signature = signWebhook(delivery.secret, delivery.body, clock().getTime() / 1000);
  try {
    const response = await fetch(delivery.url, {
      dispatcher,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'coro-psa-connector',
        [WEBHOOK_SIGNATURE_HEADER]: signature,
      },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(delivery.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    const outcome = classifyWebhookStatus(response.status);
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), clock().getTime());
    return { outcome, status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    return { outcome: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network_error' };
  }
}
