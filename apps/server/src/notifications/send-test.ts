import type { NotificationChannelResult, NotificationTestResult } from '@coro/contracts';
import type { Kysely } from 'kysely';

import { psaDisplayName } from '../psa/psa-provider.port.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { DB } from '../db/schema.js';
import type { Mailer } from './email.sender.js';
import { getNotificationSettings, webhookTargetOf } from './notification-settings.repository.js';
import { channelAdminEmails } from './notify-run.js';
import { renderTestEmail, testNotice, testWebhookPayload } from './test-notice.js';
import { describeWebhookProblem, type WebhookLookup } from './webhook-target.resolve.js';
import { deliverWebhook, type WebhookDeliveryResult } from './webhook.sender.js';

export interface SendTestDeps {
  readonly db: Kysely<DB>;
  readonly secretBox: SecretBox;
  readonly publicUrl: string;
  /** null when SMTP_URL is not configured. */
  readonly mailer: Mailer | null;
  readonly isWebhookPrivateAllowed: boolean;
  readonly now: () => Date;
  readonly webhookTimeoutMs?: number;
  readonly lookup?: WebhookLookup;
}

const notConfigured = (advice: string): NotificationChannelResult => ({
  status: 'not_configured',
  detail: null,
  durationMs: null,
  advice,
});

/**
 * Sends one labelled test notice through each configured channel, once (no retries: the person
 * waiting on the button wants the first answer), and says what happened and what to do next.
 * Never throws for a delivery problem; the caller refuses when nothing is configured.
 */
export async function sendTestNotification(
  deps: SendTestDeps,
  connectorId: string,
): Promise<NotificationTestResult> {
  const connector = await deps.db
    .selectFrom('psa_connectors')
    .innerJoin('workspaces', 'workspaces.id', 'psa_connectors.channel_id')
    .select(['psa_connectors.channel_id', 'psa_connectors.kind', 'workspaces.display_name'])
    .where('psa_connectors.id', '=', connectorId)
    .executeTakeFirstOrThrow();
  const notice = testNotice({
    connectorId,
    connectorLabel: `${connector.display_name} (${connector.kind})`,
    psaName: psaDisplayName(connector.kind),
    link: `${deps.publicUrl.replace(/\/+$/, '')}/settings`,
    now: deps.now().toISOString(),
  });
  const view = await getNotificationSettings(deps.db, connectorId);
  const recipients = !view.isEmailEnabled
    ? []
    : (view.emailRecipients ?? (await channelAdminEmails(deps.db, connector.channel_id)));

  const email = await (async (): Promise<NotificationChannelResult> => {
    if (!view.isEmailEnabled) return notConfigured('Turn on e-mail notices to receive run e-mails.');
    if (deps.mailer === null)
      return notConfigured(
        'Ask the operator to set SMTP_URL on the server; e-mail cannot be sent without it.',
      );
    if (recipients.length === 0)
      return notConfigured('Add recipients, or give the channel an admin with an e-mail address.');
    const started = performance.now();
    try {
      const { response } = await deps.mailer.send({ to: recipients, ...renderTestEmail(notice) });
      return { status: 'sent', detail: smtpSummary(response), durationMs: elapsed(started), advice: null };
    } catch (error) {
      return { status: 'failed', durationMs: elapsed(started), ...smtpFailure(error) };
    }
  })();

  const target = await webhookTargetOf(deps.db, deps.secretBox, connectorId).catch(() => null);
  let webhook: NotificationChannelResult;
  if (target === null) {
    webhook = notConfigured(
      view.webhookUrl === null
        ? 'Enter a webhook URL and a signing secret to receive signed run notices.'
        : 'Set the webhook signing secret again; without it nothing is sent.',
    );
  } else {
    const started = performance.now();
    const result = await deliverWebhook({
      url: target.url,
      secret: target.secret,
      body: JSON.stringify(testWebhookPayload(notice)),
      isPrivateAllowed: deps.isWebhookPrivateAllowed,
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
      policy: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
      ...(deps.webhookTimeoutMs === undefined ? {} : { timeoutMs: deps.webhookTimeoutMs }),
    });
    webhook = result.isDelivered
      ? { status: 'sent', detail: `HTTP ${result.lastStatus}`, durationMs: elapsed(started), advice: null }
      : { status: 'failed', durationMs: elapsed(started), ...webhookFailure(result) };
  }
  return { email, webhook };
}

const elapsed = (started: number): number => Math.round(performance.now() - started);

/** First line of the SMTP reply, bounded; it names the server's verdict, not our credentials. */
const smtpSummary = (response: string): string | null =>
  response.trim() === '' ? null : (response.split(/\r?\n/)[0] ?? '').slice(0, 200);

function smtpFailure(error: unknown): { detail: string | null; advice: string } {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown };
  const code = typeof e.code === 'string' ? e.code : null;
  const reply = typeof e.response === 'string' ? smtpSummary(e.response) : null;
  const detail = reply ?? code;
  if (code === 'EAUTH')
    return { detail, advice: 'The mail server refused the login: check the user and password in SMTP_URL.' };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500)
    return {
      detail,
      advice: 'The mail server rejected the message: check the recipients and the sender address.',
    };
  if (code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS')
    return { detail, advice: 'The mail server could not be reached: check the host and port in SMTP_URL.' };
  return { detail, advice: 'The mail server did not accept the message; try again, then check SMTP_URL.' };
}

function webhookFailure(result: WebhookDeliveryResult): { detail: string | null; advice: string } {
  const detail = result.lastStatus === null ? result.lastOutcome : `HTTP ${result.lastStatus}`;
  switch (result.lastOutcome) {
    case 'refused': {
      const problem = result.refused ?? { rule: 'unresolvable' as const };
      return {
        detail: `refused (rule: ${problem.rule})`,
        advice: `${describeWebhookProblem(problem)} Point the webhook at a public https address.`,
      };
    }
    case 'client_error':
      return {
        detail,
        advice:
          result.lastStatus === 401 || result.lastStatus === 403
            ? 'The receiver refused the request: check it verifies with the same signing secret.'
            : 'The receiver refused the request: check the webhook URL and path.',
      };
    case 'server_error':
      return {
        detail,
        advice: 'The receiver answered with an error: check its logs, then send the test again.',
      };
    case 'rate_limited':
      return { detail, advice: 'The receiver is rate limiting: wait a minute and send the test again.' };
    case 'timeout':
      return {
        detail,
        advice: 'The receiver did not answer in time: check it is running and answers quickly.',
      };
    case 'network_error':
    case 'delivered':
      return { detail, advice: 'The receiver could not be reached: check the URL, DNS and firewall.' };
  }
}
