/**
 * Billing policy of one connector: which Coro workspaces bill, what happens in the PSA when a
 * mapping goes away, and how careful the sync is with large or surprising changes. Pure data plus
 * the few decisions derived from it; stored per connector (sync settings) and passed to the planner.
 */

export const childStatuses = ['New', 'Trial', 'Subscription', 'Inactive'] as const;
export type ChildStatus = (typeof childStatuses)[number];

/** `bill`: push the counted units; `skip`: leave the PSA untouched; `zero`: push 0 units. */
export const statusBillingModes = ['bill', 'skip', 'zero'] as const;
export type StatusBillingMode = (typeof statusBillingModes)[number];

/** What the sync does to a contract service it used to fill when its workspace/service is unmapped. */
export const unmapActions = ['leave', 'zero'] as const;
export type UnmapAction = (typeof unmapActions)[number];

/** What the sync does when the PSA's units differ from what it last confirmed (a hand edit). */
export const manualEditActions = ['hold', 'overwrite'] as const;
export type ManualEditAction = (typeof manualEditActions)[number];

export interface Guardrails {
  /** Changes of more than this many units (either way) wait for approval; null disables. */
  readonly maxUnitChange: number | null;
  /**
   * Changes of more than this percentage of the current units wait for approval; null disables.
   * Not applied when the current units are 0 (every first fill would be "infinite percent"); the
   * absolute limit covers that case.
   */
  readonly maxPercentChange: number | null;
  /**
   * Decreases of more than this percentage of the current units wait for approval; null disables.
   * Separate from `maxPercentChange` because a sudden drop is what usually signals a broken count
   * (an agent uninstalled everywhere), while growth from a small base is ordinary.
   */
  readonly maxPercentDecrease: number | null;
}

export interface BillingPolicy {
  readonly statusBilling: Readonly<Record<ChildStatus, StatusBillingMode>>;
  readonly onUnmap: UnmapAction;
  /** Let an adjustment create the contract service when the service is missing from the contract. */
  readonly allowCreateContractService: boolean;
  readonly onManualEdit: ManualEditAction;
  readonly guardrails: Guardrails;
  /** IANA time zone whose calendar day is the adjustment's effective date. */
  readonly timeZone: string;
}

export const defaultBillingPolicy: BillingPolicy = {
  statusBilling: { Subscription: 'bill', Trial: 'skip', New: 'skip', Inactive: 'zero' },
  onUnmap: 'leave',
  allowCreateContractService: false,
  onManualEdit: 'hold',
  // Safe, not permissive (issue 10): a large or sudden change waits for a human.
  guardrails: { maxUnitChange: 25, maxPercentChange: null, maxPercentDecrease: 50 },
  timeZone: 'UTC',
};

export function isChildStatus(value: string | null | undefined): value is ChildStatus {
  return (childStatuses as readonly string[]).includes(value ?? '');
}

export type TargetDecision =
  | { readonly kind: 'target'; readonly units: number; readonly reason: 'billed' | 'zeroed_by_status' }
  | { readonly kind: 'skip'; readonly reason: 'status_not_billed' | 'unknown_status' };

/** Units the contract service should hold for a workspace in `status` that counted `counted`. */
export function decideTarget(policy: BillingPolicy, status: string | null, counted: number): TargetDecision {
  if (!isChildStatus(status)) return { kind: 'skip', reason: 'unknown_status' };
  const mode = policy.statusBilling[status];
  switch (mode) {
    case 'bill':
      return { kind: 'target', units: Math.max(0, Math.trunc(counted)), reason: 'billed' };
    case 'zero':
      return { kind: 'target', units: 0, reason: 'zeroed_by_status' };
    case 'skip':
      return { kind: 'skip', reason: 'status_not_billed' };
  }
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar day (YYYY-MM-DD) it is at `instant` in `timeZone`. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `day` + n calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}
