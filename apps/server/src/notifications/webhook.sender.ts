import { parseRetryAfterMs } from '../lib/backoff.js';
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
  readonly timeoutMs?: number;
  readonly policy?: WebhookRetryPolicy;
  readonly clock?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WebhookDeliveryResult {
  readonly isDelivered: boolean;
  readonly attempts: number;
  readonly lastOutcome: WebhookAttemptResult['outcome'];
  readonly lastStatus: number | null;
}

/**
 * POSTs a signed JSON body with a per-attempt timeout and bounded retries. Each attempt is signed
 * afresh (new `t`), so a slow retry is not rejected as a replay. Never throws.
 */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<WebhookDeliveryResult> {
  const policy = delivery.policy ?? defaultWebhookRetryPolicy;
  const clock = delivery.clock ?? (() => new Date());
  const sleep = delivery.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    const result = await attemptOnce(delivery, clock);
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
}

async function attemptOnce(delivery: WebhookDelivery, clock: () => Date): Promise<WebhookAttemptResult> {
  const signature = signWebhook(delivery.secret, delivery.body, clock().getTime() / 1000);
  try {
    const response = await fetch(delivery.url, {
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
