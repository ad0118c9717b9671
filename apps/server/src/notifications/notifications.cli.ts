/**
 * `coro-psa notifications show|set|test --channel <id> --connector <id>`: the console's
 * notification settings for operators who hold the database (audited as "cli notifications").
 * The webhook secret never travels in argv (visible in `ps` and shell history): it is read from
 * stdin or from a named environment variable.
 */
import type { NotificationChannelResult } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { recordAudit, systemActor } from '../audit/audit.repository.js';
import type { AppConfig } from '../config/config.js';
import { requireConnector } from '../connectors/connector.service.js';
import { createAppContext, openDatabase, shouldAutoMigrate } from '../main.js';
import { createMailer } from './email.sender.js';
import {
  getNotificationSettings,
  putNotificationSettings,
  type NotificationSettingsView,
} from './notification-settings.repository.js';
import { sendTestNotification } from './send-test.js';
import { checkWebhookTarget, describeWebhookProblem } from './webhook-target.resolve.js';

const actor = systemActor('cli notifications');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Target {
  readonly channelId: string;
  readonly connectorId: string;
}

async function withConnector<T>(
  config: AppConfig,
  target: Target,
  work: (ctx: AppContext) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  try {
    await requireConnector(ctx, target.channelId, target.connectorId);
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

export function formatSettings(view: NotificationSettingsView): string {
  return [
    `E-mail:     ${view.isEmailEnabled ? 'on' : 'off'}`,
    `Recipients: ${view.emailRecipients === null ? "the channel's admins" : view.emailRecipients.join(', ')}`,
    `Webhook:    ${view.webhookUrl ?? 'none'}`,
    `Secret:     ${view.hasWebhookSecret ? 'set' : 'not set'}`,
    `Updated:    ${view.updatedAt ?? 'never'}`,
  ].join('\n');
}

export const notificationsShowCommand = (config: AppConfig, target: Target): Promise<void> =>
  withConnector(config, target, async (ctx) => {
    console.log(formatSettings(await getNotificationSettings(ctx.database.db, target.connectorId)));
  });

export interface SetInput extends Target {
  readonly email?: 'on' | 'off' | undefined;
  /** Comma-separated addresses, or "admins" for the channel's admins. */
  readonly recipients?: string | undefined;
  /** A URL, or "none" to remove the webhook. */
  readonly webhookUrl?: string | undefined;
  /** "stdin" or "env:NAME"; absent keeps the stored secret. */
  readonly webhookSecretFrom?: string | undefined;
  readonly clearWebhookSecret?: boolean | undefined;
}

function parseRecipients(value: string): string[] | null {
  if (value.trim() === 'admins') return null;
  const list = value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  const bad = list.find((v) => !EMAIL.test(v));
  if (bad !== undefined) throw new AppError('validation_failed', `"${bad}" is not an e-mail address.`);
  if (list.length < 1 || list.length > 20)
    throw new AppError('validation_failed', 'Give 1 to 20 recipients, or "admins".');
  return list;
}

async function readSecret(source: string, readStdin: () => Promise<string>): Promise<string> {
  let value: string | undefined;
  if (source === 'stdin') value = (await readStdin()).replace(/\r?\n$/, '');
  else if (source.startsWith('env:')) value = process.env[source.slice(4)];
  else throw new AppError('validation_failed', '--webhook-secret-from takes "stdin" or "env:NAME".');
  if (value === undefined || value.length < 16 || value.length > 256)
    throw new AppError(
      'validation_failed',
      `The webhook secret from ${source} must be 16 to 256 characters.`,
    );
  return value;
}

export const readAllStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Changes only what is given; everything else keeps its stored value. */
export const notificationsSetCommand = (
  config: AppConfig,
  input: SetInput,
  readStdin: () => Promise<string> = readAllStdin,
): Promise<void> =>
  withConnector(config, input, async (ctx) => {
    if (input.webhookSecretFrom !== undefined && input.clearWebhookSecret)
      throw new AppError('validation_failed', 'Give either --webhook-secret-from or --clear-webhook-secret.');
    const before = await getNotificationSettings(ctx.database.db, input.connectorId);
    const webhookUrl =
      input.webhookUrl === undefined
        ? before.webhookUrl
        : input.webhookUrl === 'none'
          ? null
          : input.webhookUrl;
    if (webhookUrl !== null && webhookUrl !== before.webhookUrl) {
      const problem = await checkWebhookTarget(webhookUrl, config.isWebhookPrivateAllowed);
      if (problem !== null)
        throw new AppError('validation_failed', `${describeWebhookProblem(problem)} (rule: ${problem.rule})`);
    }
    const webhookSecret =
      input.webhookSecretFrom !== undefined
        ? await readSecret(input.webhookSecretFrom, readStdin)
        : input.clearWebhookSecret || webhookUrl === null
          ? null
          : undefined;
    const after = await putNotificationSettings(
      ctx.database.db,
      ctx.secretBox,
      input.connectorId,
      {
        isEmailEnabled: input.email === undefined ? before.isEmailEnabled : input.email === 'on',
        emailRecipients:
          input.recipients === undefined ? before.emailRecipients : parseRecipients(input.recipients),
        webhookUrl,
        ...(webhookSecret === undefined ? {} : { webhookSecret }),
      },
      ctx.clock().toISOString(),
    );
    const auditView = (v: NotificationSettingsView) => ({
      isEmailEnabled: v.isEmailEnabled,
      emailRecipients: v.emailRecipients,
      webhookUrl: v.webhookUrl,
      hasWebhookSecret: v.hasWebhookSecret,
    });
    await recordAudit(ctx.database.db, {
      actor,
      workspaceId: input.channelId,
      action: 'notifications.settings_updated',
      entity: 'connector',
      entityId: input.connectorId,
      before: auditView(before),
      after: auditView(after),
    });
    console.log(formatSettings(after));
  });

const line = (name: string, r: NotificationChannelResult): string =>
  [
    `${name.padEnd(8)} ${r.status}`,
    ...(r.detail === null ? [] : [`(${r.detail})`]),
    ...(r.durationMs === null ? [] : [`${r.durationMs} ms`]),
    ...(r.advice === null ? [] : [`— ${r.advice}`]),
  ].join(' ');

/** Exit code 0 when nothing failed, 1 when a configured channel failed. */
export const notificationsTestCommand = (config: AppConfig, target: Target): Promise<number> =>
  withConnector(config, target, async (ctx) => {
    const mailer = config.smtpUrl ? createMailer(config.smtpUrl) : null;
    try {
      const result = await sendTestNotification(
        {
          db: ctx.database.db,
          secretBox: ctx.secretBox,
          publicUrl: config.publicUrl,
          mailer,
          isWebhookPrivateAllowed: config.isWebhookPrivateAllowed,
          now: ctx.clock,
        },
        target.connectorId,
      );
      if (result.email.status === 'not_configured' && result.webhook.status === 'not_configured')
        throw new AppError(
          'conflict',
          `Nothing to test. E-mail: ${result.email.advice ?? ''} Webhook: ${result.webhook.advice ?? ''}`,
        );
      await recordAudit(ctx.database.db, {
        actor,
        workspaceId: target.channelId,
        action: 'notifications.test_sent',
        entity: 'connector',
        entityId: target.connectorId,
        after: {
          email: { status: result.email.status, detail: result.email.detail },
          webhook: { status: result.webhook.status, detail: result.webhook.detail },
        },
      });
      console.log(line('E-mail', result.email));
      console.log(line('Webhook', result.webhook));
      return result.email.status === 'failed' || result.webhook.status === 'failed' ? 1 : 0;
    } finally {
      mailer?.close();
    }
  });
