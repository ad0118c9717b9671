import type { Kysely } from 'kysely';

import type { SecretBox } from '../crypto/secret-box.js';
import type { DB } from '../db/schema.js';

/** AAD of the webhook secret envelope: bound to its connector, so a copied value does not open. */
export const webhookSecretAad = (connectorId: string): string => `connector:${connectorId}:webhook-secret`;

/** What the API may show: whether a secret is set, never the secret. */
export interface NotificationSettingsView {
  readonly connectorId: string;
  readonly isEmailEnabled: boolean;
  /** null = the channel's admins. */
  readonly emailRecipients: readonly string[] | null;
  readonly webhookUrl: string | null;
  readonly hasWebhookSecret: boolean;
  readonly updatedAt: string | null;
}

export interface NotificationSettingsInput {
  readonly isEmailEnabled: boolean;
  readonly emailRecipients: readonly string[] | null;
  readonly webhookUrl: string | null;
  /** undefined keeps the stored secret, null removes it, a string replaces it. */
  readonly webhookSecret?: string | null;
}

const readSettingsRow = (db: Kysely<DB>, connectorId: string) =>
  db
    .selectFrom('notification_settings')
    .select([
      'connector_id',
      'is_email_enabled',
      'email_recipients',
      'webhook_url',
      'webhook_secret_box',
      'updated_at',
    ])
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();

export async function getNotificationSettings(
  db: Kysely<DB>,
  connectorId: string,
): Promise<NotificationSettingsView> {
  const row = await readSettingsRow(db, connectorId);
  if (!row)
    return {
      connectorId,
      isEmailEnabled: true,
      emailRecipients: null,
      webhookUrl: null,
      hasWebhookSecret: false,
      updatedAt: null,
    };
  return {
    connectorId,
    isEmailEnabled: row.is_email_enabled === 1,
    emailRecipients: row.email_recipients === null ? null : (JSON.parse(row.email_recipients) as string[]),
    webhookUrl: row.webhook_url,
    hasWebhookSecret: row.webhook_secret_box !== null,
    updatedAt: row.updated_at,
  };
}

export async function putNotificationSettings(
  db: Kysely<DB>,
  secretBox: SecretBox,
  connectorId: string,
  input: NotificationSettingsInput,
  now: string,
): Promise<NotificationSettingsView> {
  const secretChange =
    input.webhookSecret === undefined
      ? {}
      : {
          webhook_secret_box:
            input.webhookSecret === null
              ? null
              : secretBox.seal(input.webhookSecret, webhookSecretAad(connectorId)),
        };
  const values = {
    is_email_enabled: input.isEmailEnabled ? 1 : 0,
    email_recipients: input.emailRecipients === null ? null : JSON.stringify(input.emailRecipients),
    webhook_url: input.webhookUrl,
    updated_at: now,
    ...secretChange,
  };
  await db
    .insertInto('notification_settings')
    .values({ connector_id: connectorId, created_at: now, webhook_secret_box: null, ...values })
    .onConflict((oc) => oc.column('connector_id').doUpdateSet(values))
    .execute();
  return getNotificationSettings(db, connectorId);
}

/** For delivery only: the webhook URL with its opened secret, or null when not configured or unreadable. */
export async function webhookTargetOf(
  db: Kysely<DB>,
  secretBox: SecretBox,
  connectorId: string,
): Promise<{ url: string; secret: string } | null> {
  const row = await readSettingsRow(db, connectorId);
  if (!row?.webhook_url || !row.webhook_secret_box) return null;
  const opened = secretBox.open(row.webhook_secret_box, webhookSecretAad(connectorId));
  return opened.ok ? { url: row.webhook_url, secret: opened.value } : null;
}
