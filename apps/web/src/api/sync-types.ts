/**
 * Sync shapes as the console expects them. The sync contract (`packages/contracts/src/sync.ts`)
 * was still empty when the console was written: these mirror the server's sync tables
 * (`sync_runs`, `sync_run_lines`, `sync_settings`) and move to `@coro/contracts` when it lands.
 */
export type { UsageSeries } from '@coro/contracts';

export const syncRunStatuses = ['queued', 'running', 'succeeded', 'partial', 'failed'] as const;
export type SyncRunStatus = (typeof syncRunStatuses)[number];

export const lineKinds = ['unchanged', 'adjust', 'held', 'skipped', 'problem'] as const;
export type LineKind = (typeof lineKinds)[number];

export interface SyncRunCounters {
  readonly lines: number;
  readonly unchanged: number;
  readonly adjusted: number;
  readonly held: number;
  readonly skipped: number;
  readonly problems: number;
  readonly failed: number;
  readonly unitsAdded: number;
  readonly unitsRemoved: number;
}

export interface SyncRun {
  readonly id: string;
  readonly connectorId: string;
  readonly mode: 'apply' | 'dry-run';
  readonly trigger: string;
  readonly status: SyncRunStatus;
  readonly phase: string | null;
  readonly effectiveDate: string | null;
  readonly progress: { readonly done: number; readonly total: number };
  readonly counters: SyncRunCounters;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly requestedBy: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface SyncRunList {
  readonly items: readonly SyncRun[];
}

export interface SyncLine {
  readonly id: string;
  readonly seq: number;
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly contractName: string | null;
  readonly kind: LineKind;
  readonly problem: string | null;
  readonly holdReason: string | null;
  readonly skipReason: string | null;
  readonly currentUnits: number | null;
  readonly targetUnits: number | null;
  readonly delta: number | null;
  readonly status: string;
  readonly message: string;
  readonly advice: string | null;
}

export interface SyncLinePage {
  readonly items: readonly SyncLine[];
  readonly total: number;
}

export type StatusBillingMode = 'bill' | 'skip' | 'zero';

export interface BillingPolicy {
  readonly statusBilling: Readonly<Record<'New' | 'Trial' | 'Subscription' | 'Inactive', StatusBillingMode>>;
  readonly onUnmap: 'leave' | 'zero';
  readonly allowCreateContractService: boolean;
  readonly onManualEdit: 'hold' | 'overwrite';
  readonly guardrails: { readonly maxUnitChange: number | null; readonly maxPercentChange: number | null };
  readonly timeZone: string;
}

export interface SyncSettings {
  readonly policy: BillingPolicy;
  readonly isScheduleEnabled: boolean;
  /** HH:MM in `policy.timeZone`. */
  readonly scheduleTime: string;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}
