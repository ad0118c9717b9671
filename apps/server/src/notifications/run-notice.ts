import type { SyncImpact } from '@coro/contracts';

import { formatMoney } from '../domain/money-impact.js';

/**
 * What a finished run tells people: built from the sync's run summary, rendered as a short email
 * and as the webhook's JSON body. Pure.
 */
export interface RunNotice {
  readonly connectorId: string;
  readonly connectorLabel: string;
  readonly runId: string;
  readonly trigger: string;
  readonly mode: string;
  /** SyncRunStatus: 'succeeded' | 'partial' | 'failed' | … */
  readonly status: string;
  readonly effectiveDate: string | null;
  readonly counts: {
    readonly lines: number;
    readonly adjusted: number;
    readonly unchanged: number;
    readonly held: number;
    readonly skipped: number;
    readonly problems: number;
    readonly failed: number;
    readonly unitsAdded: number;
    readonly unitsRemoved: number;
  };
  readonly error: { readonly code: string; readonly message: string } | null;
  /**
   * The money the run moved (its applied adjustments) and what waits on approval (its held lines):
   * the same figures the console's confirm dialog showed before the write.
   */
  readonly impact?: { readonly applied: SyncImpact; readonly held: SyncImpact };
  /** The PSA's name for the subject ("Autotask sync succeeded: …"); "PSA" when unknown. */
  readonly psaName: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly link: string;
}

export const runLink = (publicUrl: string, connectorId: string, runId: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/connectors/${encodeURIComponent(connectorId)}/runs/${encodeURIComponent(runId)}`;

const statusWords: Readonly<Record<string, string>> = {
  succeeded: 'succeeded',
  partial: 'finished with problems',
  failed: 'failed',
};

export function needsAttention(notice: RunNotice): boolean {
  return (
    notice.status !== 'succeeded' ||
    notice.counts.problems > 0 ||
    notice.counts.failed > 0 ||
    notice.counts.held > 0
  );
}

export function renderRunEmail(notice: RunNotice): { subject: string; text: string } {
  const words = statusWords[notice.status] ?? notice.status;
  const c = notice.counts;
  const subject = `${needsAttention(notice) ? '[Action needed] ' : ''}${notice.psaName} sync ${words}: ${notice.connectorLabel}`;
  const lines = [
    `The ${notice.trigger} ${notice.mode === 'dry-run' ? 'dry run' : 'sync'} of ${notice.connectorLabel} ${words}.`,
    '',
    `Adjusted: ${c.adjusted} (units +${c.unitsAdded} / -${c.unitsRemoved})`,
    ...(notice.impact ? [`Invoices: ${moneyLine(notice.impact.applied)}`] : []),
    `Unchanged: ${c.unchanged}`,
    `Held for approval: ${c.held}${notice.impact && notice.impact.held.changes > 0 ? ` (${moneyLine(notice.impact.held)} if approved)` : ''}`,
    `Skipped: ${c.skipped}`,
    `Problems: ${c.problems}`,
    `Failed writes: ${c.failed}`,
    ...(notice.effectiveDate ? [`Effective date: ${notice.effectiveDate}`] : []),
    ...(notice.error ? ['', `Error (${notice.error.code}): ${notice.error.message}`] : []),
    '',
    `Details: ${notice.link}`,
  ];
  return { subject, text: `${lines.join('\n')}\n` };
}

function moneyLine(impact: SyncImpact): string {
  const unpriced = impact.unpricedChanges > 0 ? `, ${impact.unpricedChanges} without a price` : '';
  // ASCII minus: the mail stays 7-bit (no quoted-printable that breaks the link for plain readers).
  return `${formatMoney(impact.monthlyAmount, impact.currency).replace('−', '-')} per month${unpriced}`;
}

export function webhookPayload(notice: RunNotice): { type: string; data: RunNotice } {
  return { type: notice.status === 'failed' ? 'sync.run.failed' : 'sync.run.completed', data: notice };
}
