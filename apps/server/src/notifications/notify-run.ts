import { findConnectorCurrency } from '../connectors/connector.repository.js';
import { summarizeImpact } from '../domain/money-impact.js';
import { psaDisplayName } from '../psa/psa-provider.port.js';
import type { Kysely } from 'kysely';

import type { SecretBox } from '../crypto/secret-box.js';
import type { DB } from '../db/schema.js';
import type { Mailer } from './email.sender.js';
import { getNotificationSettings, webhookTargetOf } from './notification-settings.repository.js';
import { renderRunEmail, runLink, webhookPayload, type RunNotice } from './run-notice.js';
import { deliverWebhook } from './webhook.sender.js';
import type { WebhookRetryPolicy } from './webhook.retry.js';
import { impactLinesOfRun } from '../sync/sync-run.repository.js';

/** The fields of the sync's `SyncRunSummary` a notice needs (structural, so either side can evolve). */
export interface FinishedRun {
  readonly runId: string;
  readonly connectorId: string;
  readonly mode: string;
  readonly trigger: string;
  readonly status: string;
  readonly effectiveDate: string | null;
  readonly counters: Readonly<
    Record<
      | 'lines_total'
      | 'unchanged'
      | 'adjusted'
      | 'held'
      | 'skipped'
      | 'problems'
      | 'failed'
      | 'units_added'
      | 'units_removed',
      number
    >
  >;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface NotifyDeps {
  readonly db: Kysely<DB>;
  readonly secretBox: SecretBox;
  readonly publicUrl: string;
  /** null when SMTP_URL is not configured: email is skipped. */
  readonly mailer: Mailer | null;
  /** WEBHOOK_ALLOW_PRIVATE: the delivery-time address check applies the same rules as the PUT. */
  readonly isWebhookPrivateAllowed: boolean;
  readonly logger: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
  readonly webhookPolicy?: WebhookRetryPolicy;
  readonly webhookTimeoutMs?: number;
}

export interface NotifyResult {
  readonly email: 'sent' | 'skipped' | 'failed';
  readonly webhook: 'delivered' | 'skipped' | 'failed';
}

const ADMIN_ROLES = ['msp_super_admin', 'msp_admin'];

/**
 * Tells people a run finished: an email (recipients from the connector's settings, else the
 * channel's admins) and, when configured, a signed webhook. Never throws: a notification problem
 * is logged and must not fail the sync job that already did its work.
 */
export async function notifyRunFinished(deps: NotifyDeps, run: FinishedRun): Promise<NotifyResult> {
  const log = { connectorId: run.connectorId, runId: run.runId };
  let notice: RunNotice;
  let recipients: string[];
  try {
    const connector = await deps.db
      .selectFrom('psa_connectors')
      .innerJoin('workspaces', 'workspaces.id', 'psa_connectors.channel_id')
      .select(['psa_connectors.channel_id', 'psa_connectors.kind', 'workspaces.display_name'])
      .where('psa_connectors.id', '=', run.connectorId)
      .executeTakeFirst();
    notice = {
      ...toNotice(
        run,
        connector ? `${connector.display_name} (${connector.kind})` : run.connectorId,
        deps.publicUrl,
        psaDisplayName(connector?.kind ?? ''),
      ),
      impact: await runMoney(deps.db, run),
    };
    const view = await getNotificationSettings(deps.db, run.connectorId);
    recipients = !view.isEmailEnabled
      ? []
      : view.emailRecipients !== null
        ? [...view.emailRecipients]
        : connector
          ? await channelAdminEmails(deps.db, connector.channel_id)
          : [];
  } catch (error) {
    deps.logger.warn({ ...log, err: String(error) }, 'run notification skipped: settings unreadable');
    return { email: 'failed', webhook: 'failed' };
  }

  let email: NotifyResult['email'] = 'skipped';
  if (deps.mailer && recipients.length > 0) {
    try {
      await deps.mailer.send({ to: recipients, ...renderRunEmail(notice) });
      email = 'sent';
    } catch (error) {
      email = 'failed';
      deps.logger.warn({ ...log, err: String(error) }, 'run email failed');
    }
  }

  let webhook: NotifyResult['webhook'] = 'skipped';
  const target = await webhookTargetOf(deps.db, deps.secretBox, run.connectorId).catch(() => null);
  if (target) {
    const result = await deliverWebhook({
      url: target.url,
      secret: target.secret,
      body: JSON.stringify(webhookPayload(notice)),
      isPrivateAllowed: deps.isWebhookPrivateAllowed,
      ...(deps.webhookPolicy ? { policy: deps.webhookPolicy } : {}),
      ...(deps.webhookTimeoutMs === undefined ? {} : { timeoutMs: deps.webhookTimeoutMs }),
    });
    webhook = result.isDelivered ? 'delivered' : 'failed';
    if (!result.isDelivered)
      deps.logger.warn(
        {
          ...log,
          attempts: result.attempts,
          outcome: result.lastOutcome,
          status: result.lastStatus,
          ...(result.refused ? { rule: result.refused.rule } : {}),
        },
        'run webhook failed',
      );
  }
  deps.logger.info({ ...log, email, webhook }, 'run notifications sent');
  return { email, webhook };
}

/** What the run wrote and what it holds, priced (domain/money-impact.ts). */
async function runMoney(db: Kysely<DB>, run: FinishedRun): Promise<NonNullable<RunNotice['impact']>> {
  const currency = await findConnectorCurrency(db, run.connectorId);
  return {
    applied: summarizeImpact(await impactLinesOfRun(db, run.runId, 'adjust', 'applied'), currency),
    held: summarizeImpact(await impactLinesOfRun(db, run.runId, 'held', 'held'), currency),
  };
}

/** Who gets the email when the connector names no recipients: the channel's admins. */
export async function channelAdminEmails(db: Kysely<DB>, channelId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.workspace_id', '=', channelId)
    .where('memberships.role', 'in', ADMIN_ROLES)
    .orderBy('users.email')
    .execute();
  return [...new Set(rows.map((r) => r.email))];
}

export function toNotice(
  run: FinishedRun,
  connectorLabel: string,
  publicUrl: string,
  psaName: string,
): RunNotice {
  const c = run.counters;
  return {
    psaName,
    connectorId: run.connectorId,
    connectorLabel,
    runId: run.runId,
    trigger: run.trigger,
    mode: run.mode,
    status: run.status,
    effectiveDate: run.effectiveDate,
    counts: {
      lines: c.lines_total,
      adjusted: c.adjusted,
      unchanged: c.unchanged,
      held: c.held,
      skipped: c.skipped,
      problems: c.problems,
      failed: c.failed,
      unitsAdded: c.units_added,
      unitsRemoved: c.units_removed,
    },
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage ?? '' } : null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    link: runLink(publicUrl, run.connectorId, run.runId),
  };
}
