/** Sync shapes: the contracts of `@coro/contracts` (types only), plus names the console uses. */
import type { SyncLine } from '@coro/contracts';

export type {
  BillingPolicyBody as BillingPolicy,
  PreviewChange,
  PreviewStaleDetails,
  SyncImpact,
  SyncLine,
  SyncProgress,
  SyncRun,
  SyncRunDetail,
  SyncRunPage,
  SyncSettings,
  SyncSettingsBody,
  SyncWait,
} from '@coro/contracts';

export type LineKind = SyncLine['kind'];
export type StatusBillingMode = 'bill' | 'skip' | 'zero';
