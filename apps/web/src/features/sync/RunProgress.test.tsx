import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { SyncRun, SyncWait } from '../../api/sync-types.js';
import { RunProgress } from './RunProgress.js';

afterEach(cleanup);

/** As the server words it (apps/server/src/sync/sync-wait.ts) for a used share at 13:07:12 UTC. */
const shareUsed: SyncWait = {
  reason: 'share_used',
  resumesAt: '2026-11-27T14:04:12.000Z',
  ourCallsInWindow: 5_000,
  allowance: 5_000,
  tenantUsed: 6_200,
  tenantLimit: 10_000,
  message:
    "Paused: this connector has used its share of Autotask's hourly API budget (5,000 of 10,000 " +
    'requests; the share is set so other integrations keep working). Resumes about 14:05 UTC — ' +
    'nothing to do.',
};

function runWith(overrides: Partial<SyncRun>): SyncRun {
  return {
    id: '0190a4c2-0000-7000-8000-000000000001',
    connectorId: '0190a4c2-0000-7000-8000-000000000002',
    mode: 'apply',
    trigger: 'manual',
    status: 'running',
    effectiveDate: '2026-11-27',
    timeZone: 'America/New_York',
    phase: 'applying',
    progress: { done: 40, total: 100 },
    counters: {
      lines: 100,
      unchanged: 30,
      adjusted: 10,
      held: 0,
      skipped: 0,
      problems: 0,
      failed: 0,
      unitsAdded: 12,
      unitsRemoved: 3,
      psaReads: 7,
      psaWrites: 10,
    },
    error: null,
    requestedBy: 'admin@example.com',
    createdAt: '2026-11-27T13:00:00.000Z',
    startedAt: '2026-11-27T13:00:01.000Z',
    finishedAt: null,
    ...overrides,
  };
}

const progressBar = () => screen.getByRole('progressbar', { name: 'Sync progress' });

describe('RunProgress', () => {
  it('explains a budget pause with its resume time, and keeps the progress bar', () => {
    render(<RunProgress run={runWith({ wait: shareUsed })} />);
    const alert = screen.getByRole('status');
    expect(alert.className).toContain('MuiAlert-colorInfo');
    within(alert).getByText(/Paused to leave API budget for other integrations/);
    const time = within(alert).getByText('14:05 UTC');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe(shareUsed.resumesAt);
    expect(alert.textContent).toMatch(/Resumes about 14:05 UTC/);
    expect(alert.textContent).toContain(shareUsed.message);
    expect(progressBar().getAttribute('aria-valuenow')).toBe('40');
    screen.getByText('applying, paused · 40/100 lines');
  });

  it('drops the alert as soon as a later snapshot no longer waits', () => {
    const { rerender } = render(<RunProgress run={runWith({ wait: shareUsed })} />);
    screen.getByRole('status');
    rerender(<RunProgress run={runWith({ progress: { done: 55, total: 100 } })} />);
    expect(screen.queryByRole('status')).toBeNull();
    expect(progressBar().getAttribute('aria-valuenow')).toBe('55');
    screen.getByText('applying · 55/100 lines');
  });

  it('says when an exhausted tenant is checked again, in the server’s words', () => {
    const exhausted: SyncWait = {
      ...shareUsed,
      reason: 'tenant_exhausted',
      resumesAt: '2026-11-27T13:08:12.000Z',
      tenantUsed: 10_000,
      message:
        "Paused: Autotask's hourly API limit is used up by all integrations together (10,000 of 10,000 " +
        'requests). The sync checks again about 13:09 UTC and resumes when Autotask allows more ' +
        'requests — nothing to do.',
    };
    render(<RunProgress run={runWith({ wait: exhausted })} />);
    const alert = screen.getByRole('status');
    expect(alert.textContent).toMatch(
      /Paused until the API limit allows more requests · Checks again about 13:09 UTC/,
    );
    expect(alert.textContent).toContain(exhausted.message);
    expect(alert.getAttribute('data-wait-reason')).toBe('tenant_exhausted');
  });

  it('shows no wait for a run that has ended', () => {
    render(<RunProgress run={runWith({ status: 'succeeded', phase: 'finished', wait: shareUsed })} />);
    expect(screen.queryByRole('status')).toBeNull();
    screen.getByText('40/100 lines');
  });
});
