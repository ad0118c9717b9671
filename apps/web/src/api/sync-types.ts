/** Sync shapes: the contracts of `@coro/contracts` (types only), plus names the console uses. */
import type { SyncLine } from '@coro/contracts';

export type {
  ApproveLinesResult,
  BillingPolicyBody as BillingPolicy,
  PreviewChange,
  PreviewStaleDetails,
  SyncImpact,
  SyncLine,
  SyncProgress,
  SyncRun,
  SyncRunDetail,
  SyncRunPage,
  SyncRunStarted,
  SyncSettings,
  SyncSettingsBody,
  SyncWait,
  UsageSeries,
} from '@coro/contracts';

export type LineKind = SyncLine['kind'];
export type StatusBillingMode = 'bill' | 'skip' | 'zero';
