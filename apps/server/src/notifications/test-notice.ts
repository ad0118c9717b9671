import type { RunNotice } from './run-notice.js';

/**
 * The notice a "Send test" delivers: a run-shaped notice (so receivers exercise their real
 * parsing) that says loudly it is a test and changed nothing. Pure.
 */
export function testNotice(input: {
  connectorId: string;
  connectorLabel: string;
  psaName: string;
  link: string;
  now: string;
}): RunNotice {
  return {
    psaName: input.psaName,
    connectorId: input.connectorId,
    connectorLabel: input.connectorLabel,
    runId: 'test',
    trigger: 'test',
    mode: 'test',
    status: 'test',
    effectiveDate: null,
    counts: {
      lines: 0,
      adjusted: 0,
      unchanged: 0,
      held: 0,
      skipped: 0,
      problems: 0,
      failed: 0,
      unitsAdded: 0,
      unitsRemoved: 0,
    },
    error: null,
    startedAt: input.now,
    finishedAt: input.now,
    link: input.link,
  };
}

export function renderTestEmail(notice: RunNotice): { subject: string; text: string } {
  return {
    subject: `[Test] ${notice.psaName} notifications: ${notice.connectorLabel}`,
    text: [
      `This is a test notification for ${notice.connectorLabel}.`,
      'Nothing was synced and nothing changed in the PSA.',
      'Run notices will arrive here the same way.',
      '',
      `Settings: ${notice.link}`,
      '',
    ].join('\n'),
  };
}

/** The webhook body of a test: its own type, so a receiver can ignore it or route it apart. */
export function testWebhookPayload(notice: RunNotice): { type: string; data: RunNotice } {
  return { type: 'notifications.test', data: notice };
}
