/**
 * What a sync run is given: its mode and trigger, the application's services (`SyncEnvironment`,
 * built from AppContext in index.ts), the tuning knobs, and what it hands back (`SyncRunSummary`).
 */
import type { SyncRunMode, SyncRunStatusName, SyncRunTrigger } from '@coro/contracts';
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import type { PsaCallEvent, PsaConnection, PsaError, PsaPaceEvent } from '../psa/psa-provider.port.js';
import type { SyncProgressEvent } from './sync-progress.js';
import type { RunCounters } from './sync-run.repository.js';
import { defaultWriteRetryPolicy, type WriteRetryPolicy } from './write-retry.js';

export interface SyncTuning {
  /** Companies per read chunk: the most conditions one PSA query takes (500 today). */
  readonly companiesPerChunk: number;
  /**
   * Adjustments handed to the connection at once. The adapter caps in-flight requests at the
   * PSA's limit (3 per endpoint) and queues the rest; two more here keep a request ready the moment a
   * slot frees instead of waiting for our own ledger bookkeeping.
   */
  readonly writeConcurrency: number;
  readonly leaseMs: number;
  /** How long a run waits for another run's lease before giving up. */
  readonly lockWaitMs: number;
  readonly writeRetry: WriteRetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  /** After a stop request, how long a run may wait (budget pause, slow call) before its connection closes. */
  readonly stopWaitMs: number;
}

export const defaultSyncTuning: SyncTuning = {
  companiesPerChunk: 500,
  writeConcurrency: 5,
  leaseMs: 60_000,
  lockWaitMs: 70_000,
  writeRetry: defaultWriteRetryPolicy,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  stopWaitMs: 5_000,
};

/** What the executor needs from the application; built from AppContext in index.ts. */
export interface SyncEnvironment {
  readonly db: Kysely<DB>;
  readonly clock: () => Date;
  /**
   * Opens a PSA connection for the connector; throws (AppError) when it cannot. `onPace` hears the
   * connection's budget waits (slow-downs and pauses), which the run shows as its `wait`.
   */
  openConnection(
    connectorId: string,
    onCall: (event: PsaCallEvent) => void,
    onPace?: (event: PsaPaceEvent) => void,
  ): Promise<PsaConnection>;
  /** Called when a PSA answer says the credentials no longer work. */
  onCredentialFailure?(connectorId: string, error: PsaError): Promise<void>;
  /** Called when an apply run finishes (connector's last_sync_at). */
  onFinished?(summary: SyncRunSummary): Promise<void>;
  readonly logger?: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
}

export interface RunSyncOptions {
  readonly connectorId: string;
  readonly mode: SyncRunMode;
  readonly trigger: SyncRunTrigger;
  /** Use this id (e.g. a run row created as `queued` when the job was enqueued). */
  readonly runId?: string;
  readonly requestedBy?: string | null;
  readonly onProgress?: (event: SyncProgressEvent) => void;
  readonly tuning?: Partial<SyncTuning>;
  /**
   * Shutdown (ADR 0010): when it fires, the run stops at the next safe point (writes in flight
   * finish, nothing new starts), goes back to `queued` and resumes later as the same run.
   */
  readonly stopSignal?: AbortSignal;
  /**
   * Apply this reviewed preview (issue 10): write only its adjust lines that a plan made now still
   * decides the same way; any other adjust line is left unwritten as `stale`.
   */
  readonly previewRunId?: string;
}

export interface SyncRunSummary {
  readonly runId: string;
  readonly connectorId: string;
  readonly mode: SyncRunMode;
  readonly trigger: SyncRunTrigger;
  /** The PSA's name for messages ("<name> calls: …"); `PSA` when no connection was opened. */
  readonly psaName: string;
  readonly status: SyncRunStatusName;
  readonly effectiveDate: string | null;
  readonly counters: RunCounters;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** A run stops as a whole (no connector, lease held by another run): the code becomes the run's. */
export class RunAborted extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const errorCodeOf = (error: unknown): string =>
  error instanceof RunAborted
    ? error.code
    : typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'internal';
export const errorMessageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
