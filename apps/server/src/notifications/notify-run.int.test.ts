import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { SecretBox } from '../crypto/secret-box.js';
import { createMailer } from './email.sender.js';
import { putNotificationSettings, webhookTargetOf } from './notification-settings.repository.js';
import { startSmtpServer, startWebhookReceiver } from './notifications.test-support.js';
import { notifyRunFinished, type FinishedRun } from './notify-run.js';
import { verifyWebhookSignature } from './webhook.signature.js';

const quietLogger = { info: () => undefined, warn: () => undefined };

const finishedRun = (connectorId: string, status = 'succeeded'): FinishedRun => ({
  runId: 'run-42',
  connectorId,
  mode: 'apply',
  trigger: 'schedule',
  status,
  effectiveDate: '2026-11-27',
  counters: {
    lines_total: 4,
    unchanged: 2,
    adjusted: 2,
    held: 0,
    skipped: 0,
    problems: 0,
    failed: 0,
    units_added: 3,
    units_removed: 1,
  },
  errorCode: null,
  errorMessage: null,
  startedAt: '2026-11-27T03:00:00.000Z',
  finishedAt: '2026-11-27T03:00:40.000Z',
});

describe.skipIf(isDatabaseUnavailable())(`run notifications (${testDialect()})`, () => {
  let database: TestDatabase;
  const secretBox = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('stores the webhook secret sealed and never shows it', async () => {
    const view = await putNotificationSettings(
      database.db,
      secretBox,
      'conn-secret',
      {
        isEmailEnabled: true,
        emailRecipients: ['ops@msp.test'],
        webhookUrl: 'https://hooks.msp.test/coro',
        webhookSecret: 'whsec_plain_value',
      },
      '2026-11-27T10:00:00.000Z',
    );
    expect(view).toStrictEqual({
      connectorId: 'conn-secret',
      isEmailEnabled: true,
      emailRecipients: ['ops@msp.test'],
      webhookUrl: 'https://hooks.msp.test/coro',
      hasWebhookSecret: true,
      updatedAt: '2026-11-27T10:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain('whsec_plain_value');
    const row = await database.db
      .selectFrom('notification_settings')
      .select('webhook_secret_box')
      .where('connector_id', '=', 'conn-secret')
      .executeTakeFirstOrThrow();
    expect(row.webhook_secret_box).toMatch(/^v1:k1:/);
    expect(row.webhook_secret_box).not.toContain('whsec_plain_value');
    expect(await webhookTargetOf(database.db, secretBox, 'conn-secret')).toStrictEqual({
      url: 'https://hooks.msp.test/coro',
      secret: 'whsec_plain_value',
    });

    // Updating other fields keeps the secret; null removes it.
    expect(
      (
        await putNotificationSettings(
          database.db,
          secretBox,
          'conn-secret',
          { isEmailEnabled: false, emailRecipients: null, webhookUrl: 'https://hooks.msp.test/coro' },
          '2026-11-27T11:00:00.000Z',
        )
      ).hasWebhookSecret,
    ).toBe(true);
    expect(
      (
        await putNotificationSettings(
          database.db,
          secretBox,
          'conn-secret',
          { isEmailEnabled: false, emailRecipients: null, webhookUrl: null, webhookSecret: null },
          '2026-11-27T12:00:00.000Z',
        )
      ).hasWebhookSecret,
    ).toBe(false);
    // A sealed secret copied to another connector does not open (AAD binds it to its row).
    await putNotificationSettings(
      database.db,
      secretBox,
      'conn-copy',
      { isEmailEnabled: true, emailRecipients: null, webhookUrl: 'https://x.test' },
      '2026-11-27T12:00:00.000Z',
    );
    await database.db
      .updateTable('notification_settings')
      .set({ webhook_secret_box: row.webhook_secret_box })
      .where('connector_id', '=', 'conn-copy')
      .execute();
    expect(await webhookTargetOf(database.db, secretBox, 'conn-copy')).toBeNull();
  });

  it('emails the configured recipients and posts a signed webhook when a run finishes', async () => {
    const smtp = await startSmtpServer();
    const receiver = await startWebhookReceiver(() => ({ status: 200 }));
    const mailer = createMailer(smtp.url);
    try {
      await putNotificationSettings(
        database.db,
        secretBox,
        'conn-notify',
        {
          isEmailEnabled: true,
          emailRecipients: ['ops@msp.test'],
          webhookUrl: receiver.url,
          webhookSecret: 'whsec_e2e',
        },
        '2026-11-27T10:00:00.000Z',
      );
      // The run's lines: one applied change (10 → 12 at 4.50) and one held (40 → 10 at 2.00).
      const at = '2026-11-27T10:00:00.000Z';
      await database.db
        .insertInto('sync_runs')
        .values({
          id: 'run-42',
          connector_id: 'conn-notify',
          mode: 'apply',
          trigger: 'schedule',
          status: 'succeeded',
          created_at: at,
          updated_at: at,
        })
        .execute();
      const line = (id: string, kind: string, status: string, from: number, to: number, price: number) => ({
        ...{ id, run_id: 'run-42', seq: id === 'l1' ? 0 : 1, workspace_id: 'w', workspace_name: 'Acme' },
        ...{ service_key: 'edr', service_name: 'EDR', kind, status, current_units: from, target_units: to },
        ...{
          delta: to - from,
          is_deferred: 0,
          is_unmapped: 0,
          message: '',
          updated_at: at,
          unit_price: price,
        },
      });
      await database.db
        .insertInto('sync_run_lines')
        .values([line('l1', 'adjust', 'applied', 10, 12, 4.5), line('l2', 'held', 'held', 40, 10, 2)])
        .execute();
      const result = await notifyRunFinished(
        {
          db: database.db,
          secretBox,
          publicUrl: 'https://psa.example.com',
          mailer,
          isWebhookPrivateAllowed: true,
          logger: quietLogger,
        },
        finishedRun('conn-notify'),
      );
      expect(result).toStrictEqual({ email: 'sent', webhook: 'delivered' });

      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.to).toStrictEqual(['ops@msp.test']);
      expect(smtp.received[0]?.data).toContain('Subject: PSA sync succeeded: conn-notify');
      expect(smtp.received[0]?.data).toContain('https://psa.example.com/connectors/conn-notify/runs/run-42');
      expect(smtp.received[0]?.data).toContain('Invoices: +9.00 per month');
      expect(smtp.received[0]?.data).toContain('(-60.00 per month if approved)');

      expect(receiver.requests).toHaveLength(1);
      const request = receiver.requests[0]!;
      expect(verifyWebhookSignature('whsec_e2e', request.signature, request.body, Date.now() / 1000)).toBe(
        true,
      );
      const payload = JSON.parse(request.body) as {
        type: string;
        data: { runId: string; counts: { adjusted: number }; impact: { applied: { monthlyAmount: number } } };
      };
      expect(payload.data.impact.applied.monthlyAmount).toBe(9);
      expect(payload.type).toBe('sync.run.completed');
      expect(payload.data.runId).toBe('run-42');
      expect(payload.data.counts.adjusted).toBe(2);
      expect(request.body).not.toContain('whsec_e2e');
    } finally {
      mailer.close();
      await smtp.close();
      await receiver.close();
    }
  });

  it('skips email when disabled or without recipients, and never throws on a dead webhook', async () => {
    await putNotificationSettings(
      database.db,
      secretBox,
      'conn-quiet',
      {
        isEmailEnabled: false,
        emailRecipients: null,
        webhookUrl: 'http://127.0.0.1:9/nothing',
        webhookSecret: 's',
      },
      '2026-11-27T10:00:00.000Z',
    );
    const result = await notifyRunFinished(
      {
        db: database.db,
        secretBox,
        publicUrl: 'http://x',
        mailer: null,
        isWebhookPrivateAllowed: true,
        logger: quietLogger,
        webhookPolicy: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        webhookTimeoutMs: 500,
      },
      finishedRun('conn-quiet', 'failed'),
    );
    expect(result).toStrictEqual({ email: 'skipped', webhook: 'failed' });
  });
});
