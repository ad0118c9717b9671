import { endpoints, type NotificationSettings as NotificationSettingsResponse } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import { recordAudit } from '../../audit/audit.repository.js';
import { requireConnector } from '../../connectors/connector.service.js';
import {
  getNotificationSettings,
  putNotificationSettings,
  type NotificationSettingsView,
} from '../../notifications/notification-settings.repository.js';
import { createMailer } from '../../notifications/email.sender.js';
import { sendTestNotification } from '../../notifications/send-test.js';
import { checkWebhookTarget, describeWebhookProblem } from '../../notifications/webhook-target.resolve.js';
import { AppError } from '../../app/app-error.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

/** What the audit keeps: the settings without any secret, only whether one is set. */
const auditView = (view: NotificationSettingsView) => ({
  isEmailEnabled: view.isEmailEnabled,
  emailRecipients: view.emailRecipients,
  webhookUrl: view.webhookUrl,
  hasWebhookSecret: view.hasWebhookSecret,
});

const toResponse = (view: NotificationSettingsView): NotificationSettingsResponse => ({
  ...view,
  emailRecipients: view.emailRecipients === null ? null : [...view.emailRecipients],
});

/** Run notification settings of one connector (HTTP wiring only). The webhook secret is write-only. */
export const notificationsRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.notifications.get, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    return toResponse(await getNotificationSettings(ctx.database.db, request.params.connectorId));
  });

  serve(app, endpoints.notifications.put, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const { webhookUrl } = request.body;
    if (webhookUrl !== null) {
      const problem = await checkWebhookTarget(webhookUrl, ctx.config.isWebhookPrivateAllowed);
      if (problem !== null) {
        throw new AppError('validation_failed', `${describeWebhookProblem(problem)} (rule: ${problem.rule})`);
      }
    }
    const now = ctx.clock().toISOString();
    const before = await getNotificationSettings(ctx.database.db, request.params.connectorId);
    const after = await putNotificationSettings(
      ctx.database.db,
      ctx.secretBox,
      request.params.connectorId,
      request.body,
      now,
    );
    await recordAudit(ctx.database.db, {
      actor: actorOf(request.principal),
      workspaceId: request.params.channelId,
      action: 'notifications.settings_updated',
      entity: 'connector',
      entityId: request.params.connectorId,
      before: auditView(before),
      after: auditView(after),
    });
    return toResponse(after);
  });

  serve(app, endpoints.notifications.test, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const mailer = ctx.config.smtpUrl ? createMailer(ctx.config.smtpUrl) : null;
    try {
      const result = await sendTestNotification(
        {
          db: ctx.database.db,
          secretBox: ctx.secretBox,
          publicUrl: ctx.config.publicUrl,
          mailer,
          isWebhookPrivateAllowed: ctx.config.isWebhookPrivateAllowed,
          now: ctx.clock,
        },
        request.params.connectorId,
      );
      if (result.email.status === 'not_configured' && result.webhook.status === 'not_configured') {
        throw new AppError(
          'conflict',
          'Nothing to test: turn on e-mail (with SMTP on the server) or set a webhook URL and secret first.',
          { email: result.email.advice, webhook: result.webhook.advice },
        );
      }
      // Outcomes only: statuses and the receiver's verdicts, never a secret or an SMTP URL.
      await recordAudit(ctx.database.db, {
        actor: actorOf(request.principal),
        workspaceId: request.params.channelId,
        action: 'notifications.test_sent',
        entity: 'connector',
        entityId: request.params.connectorId,
        after: {
          email: { status: result.email.status, detail: result.email.detail },
          webhook: { status: result.webhook.status, detail: result.webhook.detail },
        },
      });
      return result;
    } finally {
      mailer?.close();
    }
  });
};
