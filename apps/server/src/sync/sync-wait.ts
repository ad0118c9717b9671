/**
 * A run waiting on the PSA's request budget, in words an MSP admin understands. The connection
 * paces itself (it waits, it never fails, see `PsaPaceEvent`); without this a long pause looks like
 * a frozen sync in the console, the events stream and the CLI. Pure: same event → same wait.
 */
import { SyncWait as SyncWaitSchema } from '@coro/contracts';
import { Value } from 'typebox/value';

import type { PsaPaceEvent } from '../psa/psa-provider.port.js';

export const syncWaitReasons = ['spacing', 'share_used', 'tenant_exhausted'] as const;
export type SyncWaitReason = (typeof syncWaitReasons)[number];

export interface SyncWait {
  readonly reason: SyncWaitReason;
  /** When the connection expects to send again (for `tenant_exhausted`: when it checks again). */
  readonly resumesAt: string;
  readonly ourCallsInWindow: number;
  readonly allowance: number;
  readonly tenantUsed: number;
  readonly tenantLimit: number;
  /** One or two sentences naming the PSA: why the run waits, until when, and that nobody must act. */
  readonly message: string;
}

/**
 * Spacing waits shorter than this are the normal rhythm of a run near its share, not a pause an
 * admin needs to hear about (and announcing each would flood the progress stream).
 */
export const minShownSpacingMs = 2_000;

const count = new Intl.NumberFormat('en-US');

/** `14:05 UTC`, rounded up to the minute so "about" never promises too early. */
export function clockTimeUtc(instant: Date): string {
  const minute = 60_000;
  const rounded = new Date(Math.ceil(instant.getTime() / minute) * minute);
  return `${rounded.toISOString().slice(11, 16)} UTC`;
}

function windowWord(windowMinutes: number): string {
  if (windowMinutes === 60) return 'hourly';
  if (windowMinutes === 24 * 60) return 'daily';
  return `${windowMinutes}-minute`;
}

/** The wait an admin should see for a pace event, or null for a short spacing wait. */
export function syncWaitOf(event: PsaPaceEvent, now: Date, psaName: string): SyncWait | null {
  if (event.reason === 'spacing' && event.waitMs < minShownSpacingMs) return null;
  const resumesAt = new Date(now.getTime() + event.waitMs);
  const budget = `${psaName}'s ${windowWord(event.windowMinutes)} API`;
  const at = clockTimeUtc(resumesAt);
  let message: string;
  switch (event.reason) {
    case 'share_used':
      message =
        `Paused: this connector has used its share of ${budget} budget ` +
        `(${count.format(event.allowance)} of ${count.format(event.tenantLimit)} requests; the share is set so ` +
        `other integrations keep working). Resumes about ${at} — nothing to do.`;
      break;
    case 'tenant_exhausted':
      message =
        `Paused: ${budget} limit is used up by all integrations together ` +
        `(${count.format(event.tenantUsed)} of ${count.format(event.tenantLimit)} requests). The sync checks ` +
        `again about ${at} and resumes when ${psaName} allows more requests — nothing to do.`;
      break;
    case 'spacing': {
      const used = Math.max(event.ourCallsInWindow / event.allowance, event.tenantUsed / event.tenantLimit);
      message =
        `Slowed down: ${budget} budget is ${Math.min(100, Math.round(used * 100))}% used, so this ` +
        `connector spaces its requests out to stay within its share. Next request about ${at} — ` +
        `nothing to do.`;
      break;
    }
  }
  return {
    reason: event.reason,
    resumesAt: resumesAt.toISOString(),
    ourCallsInWindow: event.ourCallsInWindow,
    allowance: event.allowance,
    tenantUsed: event.tenantUsed,
    tenantLimit: event.tenantLimit,
    message,
  };
}

/** A stored wait (run row JSON), or undefined when absent or not a valid `SyncWait`. */
export function parseSyncWait(json: string | null): SyncWait | undefined {
  if (json === null) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return Value.Check(SyncWaitSchema, value) ? value : undefined;
  } catch {
    return undefined;
  }
}
