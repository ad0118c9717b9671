import { Type, type Static, type TSchema } from 'typebox';

import { Id, Timestamp } from './common.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// Run notifications of one connector (e-mail and a signed webhook), declared once here.

const Email = Type.String({ format: 'email', maxLength: 254 });

export const NotificationSettingsBody = Type.Object(
  {
    isEmailEnabled: Type.Boolean(),
    /** null = the channel's admins. */
    emailRecipients: nullable(Type.Array(Email, { minItems: 1, maxItems: 20 })),
    webhookUrl: nullable(Type.String({ minLength: 1, maxLength: 2048 })),
    /** Write-only: omitted keeps the stored secret, null clears it, a string replaces it. */
    webhookSecret: Type.Optional(nullable(Type.String({ minLength: 16, maxLength: 256 }))),
  },
  { additionalProperties: false },
);
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;

/** The secret never comes out: only whether one is set. */
export const NotificationSettings = Type.Object(
  {
    connectorId: Id,
    isEmailEnabled: Type.Boolean(),
    emailRecipients: nullable(Type.Array(Type.String())),
    webhookUrl: nullable(Type.String()),
    hasWebhookSecret: Type.Boolean(),
    updatedAt: nullable(Timestamp),
  },
  { $id: 'NotificationSettings' },
);
export type NotificationSettings = Static<typeof NotificationSettings>;

export const notificationTestStatuses = ['sent', 'failed', 'not_configured'] as const;
export type NotificationTestStatus = (typeof notificationTestStatuses)[number];

/** One channel of a test send. `detail` is an HTTP status or SMTP reply summary, never a secret. */
export const NotificationChannelResult = Type.Object({
  status: Type.Enum(notificationTestStatuses),
  detail: nullable(Type.String()),
  durationMs: nullable(Type.Number()),
  /** What to do next when it failed or is not configured. */
  advice: nullable(Type.String()),
});
export type NotificationChannelResult = Static<typeof NotificationChannelResult>;

export const NotificationTestBody = Type.Object({}, { additionalProperties: false });
export type NotificationTestBody = Static<typeof NotificationTestBody>;

/** A clearly labelled test notice sent once through each configured channel. */
export const NotificationTestResult = Type.Object(
  { email: NotificationChannelResult, webhook: NotificationChannelResult },
  { $id: 'NotificationTestResult' },
);
export type NotificationTestResult = Static<typeof NotificationTestResult>;
