/**
 * Run notifications: email over SMTP and a signed webhook, per connector.
 *
 * @example await notifyRunFinished({ db, secretBox, publicUrl, mailer, logger }, summary);
 */
export { createMailer, type Mailer } from './email.sender.js';
export {
  getNotificationSettings,
  putNotificationSettings,
  webhookSecretAad,
  webhookTargetOf,
  type NotificationSettingsInput,
  type NotificationSettingsView,
} from './notification-settings.repository.js';
export { notifyRunFinished, type FinishedRun, type NotifyDeps, type NotifyResult } from './notify-run.js';
export { renderRunEmail, type RunNotice } from './run-notice.js';
export { signWebhook, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook.signature.js';
