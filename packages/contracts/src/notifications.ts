import { Type, type Static, type TSchema } from 'typebox';

import { Id, Timestamp } from './common.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// Run notifications of one connector (e-mail and a signed webhook), declared once here.
export const testEmailOutcomes = ['sent', 'skipped', 'failed'] as const;
export type TestEmailOutcome = (typeof testEmailOutcomes)[number];
export const testWebhookOutcomes = ['delivered', 'skipped', 'failed'] as const;
export type TestWebhookOutcome = (typeof testWebhookOutcomes)[number];

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

export const NotificationTestResult = Type.Object(
  {
    email: Type.Object({
      outcome: Type.Enum(testEmailOutcomes),
      detail: nullable(Type.String()),
    }),
    webhook: Type.Object({
      outcome: Type.Enum(testWebhookOutcomes),
      status: nullable(Type.Integer()),
      detail: nullable(Type.String()),
    }),
  },
  { $id: 'NotificationTestResult' },
);
export type NotificationTestResult = Static<typeof NotificationTestResult>;
