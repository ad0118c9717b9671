/**
 * The daily billing sync: read Coro's counts and Autotask's state in batches, plan every line
 * (domain/sync-plan.ts), then apply the adjustments plan → persist (ledger) → apply → confirm.
 *
 * Shape of a run (apply mode):
 *   1. take the connector's lease (one apply at a time; a crashed holder's lease expires),
 *   2. reconcile ledger rows left pending by a crash or an ambiguous failure (re-read units),
 *   3. for each chunk of ≤ 500 companies: contracts → contract services → units (one batched call
 *      each, the adapter pages), plan, persist the lines, and hand adjust lines to a pool of 3
 *      writers — reads of the next chunk overlap the writes of this one,
 *   4. settle counters and status.
 * A failure of one company (or chunk) becomes `autotask_error` lines; the others carry on.
 */
import PQueue from 'p-queue';
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { newId } from '../db/ids.js';
import { addDays, localDay, type BillingPolicy } from '../domain/billing-policy.js';
import { isContractUsableOn } from '../domain/contract-resolution.js';
import {
  planSync,
  unitsKey,
  type ConfirmedUnits,
  type PlannedLine,
  type PlanWorkspace,
  type PsaView,
  type UnitsOnDate,
} from '../domain/sync-plan.js';
import type {
  PsaConnection,
  PsaContract,
  PsaContractService,
  PsaError,
  PsaPaceEvent,
} from '../psa/psa-provider.port.js';
import {
  createLedgerRepository,
  ledgerKey,
  type LedgerRepository,
  type LedgerRow,
} from './ledger.repository.js';
import { loadSyncSource, loadUsage } from './sync-source.js';
import { syncProgressHub, type SyncPhase, type SyncProgressEvent } from './sync-progress.js';
import {
  createSyncRunRepository,
  emptyCounters,
  initialLineStatus,
  runCounterColumns,
  type RunCounters,
  type SyncRunRepository,
  type SyncRunStatus,
} from './sync-run.repository.js';
import {
  findInterruptedRun,
  INTERRUPTED_BY_SHUTDOWN,
  interruptedMessage,
  lineKey,
  prepareResume,
  RunInterrupted,
  type ResumePoint,
} from './sync-resume.js';
import { createSyncSettingsRepository } from './sync-settings.repository.js';
import { syncWaitOf, type SyncWait } from './sync-wait.js';
import { decideWriteRetry, defaultWriteRetryPolicy, type WriteRetryPolicy } from './write-retry.js';

export const syncModes = ['apply', 'dry-run'] as const;
export type SyncMode = (typeof syncModes)[number];
export const syncTriggers = ['schedule', 'manual', 'cli'] as const;
export type SyncTrigger = (typeof syncTriggers)[number];

export interface SyncTuning {
  /** Companies per read chunk: Autotask's 500-condition limit. */
  readonly companiesPerChunk: number;
  /**
   * Adjustments handed to the connection at once. The adapter caps in-flight requests at
   * Autotask's 3 per endpoint and queues the rest; two more here keep a request ready the moment a
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
    onCall: (event: { endpoint: string; method: string }) => void,
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
  readonly mode: SyncMode;
  readonly trigger: SyncTrigger;
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
}

export interface SyncRunSummary {
  readonly runId: string;
  readonly connectorId: string;
  readonly mode: SyncMode;
  readonly trigger: string;
  readonly status: SyncRunStatus;
  readonly effectiveDate: string | null;
  readonly counters: RunCounters;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
}

class RunAborted extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const errorCodeOf = (error: unknown): string =>
  error instanceof RunAborted
    ? error.code
    : typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'internal';
const errorMessageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const credentialCodes = new Set([
  'bad_username',
  'bad_secret',
  'bad_integration_code',
  'permission_denied',
  'zone_unknown',
]);

/** Keeps the connector's lease alive while a run (or an approval) works. */
async function withLease<T>(
  ledger: LedgerRepository,
  env: SyncEnvironment,
  connectorId: string,
  holder: string,
  tuning: SyncTuning,
  work: (isLost: () => boolean) => Promise<T>,
): Promise<T> {
  const expiry = (): string => new Date(env.clock().getTime() + tuning.leaseMs).toISOString();
  const waitUntil = Date.now() + tuning.lockWaitMs;
  for (;;) {
    if (await ledger.acquireLock(connectorId, holder, env.clock().toISOString(), expiry())) break;
    if (Date.now() >= waitUntil)
      throw new RunAborted(
        'conflict',
        'Another sync of this connector is running; try again when it has finished.',
      );
    await tuning.sleep(Math.min(1_000, Math.max(50, tuning.leaseMs / 10)));
  }
  let isLost = false;
  const timer = setInterval(
    () => {
      ledger.renewLock(connectorId, holder, expiry()).then(
        (ok) => {
          if (!ok) isLost = true;
        },
        () => undefined,
      );
    },
    Math.max(20, Math.floor(tuning.leaseMs / 3)),
  );
  try {
    return await work(() => isLost);
  } finally {
    clearInterval(timer);
    await ledger.releaseLock(connectorId, holder).catch(() => undefined);
  }
}

type ReconcileOutcome = 'applied' | 'not_applied' | 'conflict' | 'unknown';

/** What Autotask holds for a ledger row's contract service on its date, compared with the row. */
function outcomeOf(
  row: Pick<LedgerRow, 'from_units' | 'to_units'>,
  window: UnitsOnDate | undefined,
): ReconcileOutcome {
  const units = window?.units ?? (row.from_units === 0 ? 0 : undefined);
  if (units === undefined) return 'unknown';
  if (units === row.to_units) return 'applied';
  if (units === row.from_units) return 'not_applied';
  return 'conflict';
}

async function readUnitsMap(
  connection: PsaConnection,
  contractIds: readonly string[],
  onDate: string,
): Promise<{ ok: true; map: Map<string, UnitsOnDate> } | { ok: false; error: PsaError }> {
  const result = await connection.readUnits(contractIds, onDate);
  if (!result.ok) return { ok: false, error: result.error };
  const map = new Map<string, UnitsOnDate>();
  for (const w of result.value) {
    if (w.startDate <= onDate && onDate <= w.endDate)
      map.set(unitsKey(w.contractId, w.serviceId), {
        units: w.units,
        contractServiceId: w.contractServiceId,
      });
  }
  return { ok: true, map };
}

interface LineWork {
  readonly lineId: string;
  readonly line: PlannedLine;
}

/** Sends one adjustment through the ledger. Shared by runs and approvals. */
async function applyThroughLedger(args: {
  env: SyncEnvironment;
  connection: PsaConnection;
  ledger: LedgerRepository;
  runs: SyncRunRepository;
  connectorId: string;
  runId: string;
  work: LineWork;
  tuning: SyncTuning;
  isLost: () => boolean;
  countWrite: () => void;
  extra?: { approvedBy?: string; approvedAt?: string };
  isMoved?: boolean;
  movedNote?: string;
}): Promise<{ status: 'applied' | 'failed'; message?: string }> {
  const { env, connection, ledger, runs, connectorId, runId, tuning } = args;
  const { lineId, line } = args.work;
  const { psaName } = connection.guide;
  const now = (): string => env.clock().toISOString();
  const contractId = line.contractId ?? '';
  const psaServiceId = line.psaServiceId ?? '';
  const date = line.effectiveDate ?? '';
  const from = line.currentUnits ?? 0;
  const to = line.targetUnits ?? 0;
  const key = ledgerKey(connectorId, contractId, psaServiceId, date);
  const approval = args.extra?.approvedBy
    ? { approved_by: args.extra.approvedBy, approved_at: args.extra.approvedAt ?? now() }
    : {};

  const fail = async (
    message: string,
    detail: string | null,
    advice: string | null,
  ): Promise<{ status: 'failed'; message: string }> => {
    await runs.updateLine(lineId, {
      status: 'failed',
      detail: message + (detail ? ` (${detail})` : ''),
      advice,
      ledger_key: key,
      updated_at: now(),
      ...approval,
    });
    return { status: 'failed', message };
  };
  const succeed = async (
    adjustmentId: string | null,
    note: string | null,
  ): Promise<{ status: 'applied' }> => {
    await ledger.markApplied(key, adjustmentId, now(), note);
    if (line.isUnmapped) await ledger.forget(connectorId, line.workspaceId, line.serviceKey);
    else
      await ledger.confirm(
        {
          connectorId,
          workspaceId: line.workspaceId,
          workspaceName: line.workspaceName,
          serviceKey: line.serviceKey,
          serviceName: line.serviceName,
          companyId: line.companyId ?? '',
          contractId,
          psaServiceId,
          units: to,
          asOfDate: date,
          runId,
        },
        now(),
      );
    await runs.updateLine(lineId, {
      status: 'applied',
      detail: note,
      ledger_key: key,
      effective_date: date,
      is_deferred: line.isDeferred ? 1 : 0,
      updated_at: now(),
      ...approval,
    });
    return { status: 'applied' };
  };

  if (args.isLost())
    return fail(
      'Not sent: the sync lost its lease on this connector (another run took over).',
      null,
      'Run the sync again.',
    );
  const began = await ledger.begin(
    {
      key,
      connector_id: connectorId,
      contract_id: contractId,
      psa_service_id: psaServiceId,
      contract_service_id: line.contractServiceId,
      effective_date: date,
      run_id: runId,
      line_id: lineId,
      from_units: from,
      to_units: to,
      unit_change: to - from,
    },
    now(),
  );
  if (!began) {
    return fail(
      `Not sent: an adjustment for this service dated ${date} is already recorded (applied or awaiting confirmation).`,
      null,
      `The next run re-reads ${psaName} and settles it; nothing was sent twice.`,
    );
  }

  const reconcile = async (): Promise<ReconcileOutcome> => {
    const read = await readUnitsMap(connection, [contractId], date);
    if (!read.ok) return 'unknown';
    return outcomeOf({ from_units: from, to_units: to }, read.map.get(unitsKey(contractId, psaServiceId)));
  };

  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) await ledger.countAttempt(key, now());
    const result = await connection.createUnitAdjustment({
      contractId,
      serviceId: psaServiceId,
      ...(line.contractServiceId ? { contractServiceId: line.contractServiceId } : {}),
      unitChange: to - from,
      effectiveDate: date,
    });
    args.countWrite();
    if (result.ok) {
      const note =
        args.movedNote ??
        (line.isDeferred
          ? `Dated ${date}: an adjustment for this service already existed for the earlier date.`
          : null);
      return succeed(result.value.id, note);
    }
    const error = result.error;
    if (error.isAmbiguous === true || error.code === 'validation_failed') {
      // Ambiguous: it may have landed. Validation: Autotask may be refusing a second adjustment for
      // the date because an earlier attempt of ours did land. Either way, look before deciding.
      const outcome = await reconcile();
      if (outcome === 'applied')
        return succeed(null, `Confirmed by re-reading ${psaName} after: ${error.message}`);
      if (outcome === 'unknown') {
        // Stays `pending` in the ledger: the next run reconciles it before anything is retried.
        return fail(
          `Outcome unknown: ${psaName} could not be re-read after an ambiguous failure.`,
          error.message,
          'The next run re-reads and settles this line; nothing is sent again before that.',
        );
      }
      if (outcome === 'conflict') {
        await ledger.markFailed(key, `units changed concurrently: ${error.message}`, now());
        return fail(
          `Not applied: the units changed in ${psaName} while the sync was writing.`,
          error.message,
          'The next run compares again (and reports a manual edit if there was one).',
        );
      }
      if (error.code === 'validation_failed' && args.isMoved !== true) {
        // Not applied and refused: most often because the date already holds an adjustment made
        // outside the sync (Autotask allows one per service and date). Move to the next day, once,
        // and say so; any other refusal fails again there and is reported as such.
        await ledger.markFailed(key, `refused for ${date}: ${error.message}`, now());
        const next = addDays(date, 1);
        return applyThroughLedger({
          ...args,
          isMoved: true,
          work: { lineId, line: { ...line, effectiveDate: next, isDeferred: true } },
          movedNote: `${psaName} refused ${date} (${error.message}); dated ${next} instead.`,
        });
      }
      if (error.code === 'validation_failed' || attempt >= tuning.writeRetry.maxAttempts) {
        await ledger.markFailed(key, error.message, now());
        return fail(
          `${psaName} refused the adjustment: ${error.message}`,
          error.detail ?? null,
          error.advice,
        );
      }
      continue; // not applied: safe to send again (and Autotask refuses a same-date duplicate anyway)
    }
    const decision = decideWriteRetry(error, attempt, tuning.writeRetry);
    if (decision.retry && !args.isLost()) {
      await tuning.sleep(decision.waitMs);
      continue;
    }
    await ledger.markFailed(key, error.message, now());
    if (credentialCodes.has(error.code)) await env.onCredentialFailure?.(connectorId, error);
    return fail(`${psaName} refused the adjustment: ${error.message}`, error.detail ?? null, error.advice);
  }
}

/** Settles ledger rows whose outcome is unknown (crash, ambiguous failure) by re-reading units. */
async function reconcilePending(
  env: SyncEnvironment,
  connection: PsaConnection,
  ledger: LedgerRepository,
  runs: SyncRunRepository,
  connectorId: string,
  runId: string,
  countRead: () => void,
): Promise<{ applied: number; notApplied: number; unresolved: number }> {
  const pending = await ledger.pending(connectorId);
  const tally = { applied: 0, notApplied: 0, unresolved: 0 };
  const byDate = new Map<string, LedgerRow[]>();
  for (const row of pending) byDate.set(row.effective_date, [...(byDate.get(row.effective_date) ?? []), row]);
  for (const [date, rows] of byDate) {
    const read = await readUnitsMap(connection, [...new Set(rows.map((r) => r.contract_id))], date);
    countRead();
    for (const row of rows) {
      const now = env.clock().toISOString();
      const outcome = read.ok
        ? outcomeOf(row, read.map.get(unitsKey(row.contract_id, row.psa_service_id)))
        : 'unknown';
      const [line] = await runs.linesByIds(row.run_id, [row.line_id]);
      if (outcome === 'applied') {
        tally.applied++;
        await ledger.markApplied(
          row.key,
          row.psa_adjustment_id,
          now,
          `reconciled by run ${runId}: ${connection.guide.psaName} holds ${row.to_units}`,
        );
        if (line && line.is_unmapped === 1)
          await ledger.forget(connectorId, line.workspace_id, line.service_key);
        else if (line) {
          await ledger.confirm(
            {
              connectorId,
              workspaceId: line.workspace_id,
              workspaceName: line.workspace_name,
              serviceKey: line.service_key,
              serviceName: line.service_name,
              companyId: line.company_id ?? '',
              contractId: row.contract_id,
              psaServiceId: row.psa_service_id,
              units: row.to_units,
              asOfDate: row.effective_date,
              runId,
            },
            now,
          );
        }
        if (line)
          await runs.updateLine(line.id, {
            status: 'applied',
            detail: `Confirmed later by run ${runId} (re-read after an interruption).`,
            updated_at: now,
          });
      } else if (outcome === 'unknown') {
        tally.unresolved++;
      } else {
        tally.notApplied++;
        await ledger.markFailed(
          row.key,
          outcome === 'conflict'
            ? 'reconciled: units differ from both before and after'
            : 'reconciled: not applied',
          now,
        );
        if (line)
          await runs.updateLine(line.id, {
            status: 'failed',
            detail: `Not applied (found by run ${runId} after an interruption); planned again.`,
            updated_at: now,
          });
      }
    }
  }
  return tally;
}

/** Chunks workspaces so that each chunk names at most `size` distinct companies. */
function chunkByCompany(workspaces: readonly PlanWorkspace[], size: number): PlanWorkspace[][] {
  const chunks: PlanWorkspace[][] = [];
  let current: PlanWorkspace[] = [];
  let companies = new Set<string>();
  for (const w of workspaces) {
    if (w.companyId !== null && !companies.has(w.companyId) && companies.size >= size) {
      chunks.push(current);
      current = [];
      companies = new Set();
    }
    current.push(w);
    if (w.companyId !== null) companies.add(w.companyId);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export async function executeSync(env: SyncEnvironment, options: RunSyncOptions): Promise<SyncRunSummary> {
  const tuning: SyncTuning = { ...defaultSyncTuning, ...options.tuning };
  const { connectorId, mode } = options;
  const db = env.db;
  const runs = createSyncRunRepository(db);
  const ledger = createLedgerRepository(db);
  const settings = await createSyncSettingsRepository(db).get(connectorId);
  const policy: BillingPolicy = settings.policy;
  const startedAt = env.clock().toISOString();
  // A scheduled job carries no run id: after a shutdown it resumes the connector's interrupted run.
  const givenId = options.runId ?? (mode === 'apply' ? await findInterruptedRun(db, connectorId) : undefined);
  const runId = givenId ?? newId();
  const existing = givenId ? await runs.get(givenId) : undefined;
  const isResume = existing?.error_code === INTERRUPTED_BY_SHUTDOWN;
  if (existing)
    await runs.update(runId, {
      status: 'running',
      started_at: isResume ? (existing.started_at ?? startedAt) : startedAt,
      ...(isResume ? { resumed_at: startedAt, error_code: null, error_message: null } : {}),
      updated_at: startedAt,
    });
  else
    await runs.create({
      id: runId,
      connectorId,
      mode,
      trigger: options.trigger,
      status: 'running',
      requestedBy: options.requestedBy ?? null,
      now: startedAt,
    });

  const counters = emptyCounters();
  let phase: SyncPhase = 'starting';
  let done = 0;
  let total = 0;
  let effectiveDate: string | null = null;
  let lastPersist = 0;
  let lastEmit = 0;
  let persisted: Promise<void> = Promise.resolve();
  // The budget wait being shown (see onPace below).
  let wait: SyncWait | null = null;
  const snapshot = (extra: Partial<SyncProgressEvent> = {}): SyncProgressEvent => ({
    runId,
    connectorId,
    phase,
    done,
    total,
    counters: {
      lines: counters.lines_total,
      unchanged: counters.unchanged,
      adjusted: counters.adjusted,
      held: counters.held,
      skipped: counters.skipped,
      problems: counters.problems,
      failed: counters.failed,
      psaReads: counters.psa_reads,
      psaWrites: counters.psa_writes,
    },
    ...(wait === null ? {} : { wait }),
    ...extra,
  });
  const emit = (force = false): void => {
    const t = Date.now();
    if (!force && t - lastEmit < 100) return;
    lastEmit = t;
    const event = snapshot();
    syncProgressHub.publish(event);
    options.onProgress?.(event);
    if (force || t - lastPersist > 1_000) {
      lastPersist = t;
      // Chained: two quick updates (a pause and its end) must reach the row in order.
      persisted = persisted
        .then(() =>
          runs.update(runId, {
            phase,
            progress_done: done,
            progress_total: total,
            ...counters,
            // Followers in other processes (console, events stream) read the wait from the row.
            wait_json: wait === null ? null : JSON.stringify(wait),
            updated_at: env.clock().toISOString(),
          }),
        )
        .catch(() => undefined);
    }
  };
  const setPhase = (next: SyncPhase): void => {
    phase = next;
    emit(true);
  };

  // Budget waits. The connection reports each wait as it begins, not its end, so a wait ends when a
  // request completes after the earliest resume time (one already in flight when the pause began
  // says nothing), and only if no new wait follows at once: a budget re-check that finds the limit
  // still used up pauses again in the same turn, and the console should not blink.
  let waitSince = 0;
  let flowsFrom = 0;
  let paceSeq = 0;
  let isEndPending = false;
  const onPace = (event: PsaPaceEvent): void => {
    const next = syncWaitOf(event, env.clock(), connection?.guide.psaName ?? 'the PSA');
    if (next === null) return;
    paceSeq++;
    const previous = wait;
    const resumesAtMs = Date.parse(next.resumesAt);
    const isContinued = previous !== null && env.clock().getTime() < flowsFrom - 1_000;
    wait = next;
    flowsFrom = isContinued ? Math.min(flowsFrom, resumesAtMs) : resumesAtMs;
    const isNews =
      previous === null ||
      previous.reason !== next.reason ||
      Math.abs(resumesAtMs - Date.parse(previous.resumesAt)) >= 60_000;
    if (!isNews) return;
    if (previous === null) waitSince = env.clock().getTime();
    // The connection logs every wait; the run logs when a pause begins or changes its reason
    // (not each re-check of an exhausted tenant, nor routine spacing).
    if (next.reason !== 'spacing' && previous?.reason !== next.reason)
      env.logger?.info({ runId, connectorId, wait: next }, `sync paused (${next.reason})`);
    emit(true);
  };
  const endWaitIfFlowing = (): void => {
    if (wait === null || isEndPending) return;
    // 1 s of slack: the connection's clock and ours may disagree by a timer tick.
    if (env.clock().getTime() < flowsFrom - 1_000) return;
    isEndPending = true;
    const seq = paceSeq;
    setImmediate(() => {
      isEndPending = false;
      if (wait === null || paceSeq !== seq) return;
      if (wait.reason !== 'spacing')
        env.logger?.info(
          { runId, connectorId, reason: wait.reason, waitedMs: env.clock().getTime() - waitSince },
          'sync resumed: requests flow again',
        );
      wait = null;
      emit(true);
    });
  };

  let status: SyncRunStatus;
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  let connection: PsaConnection | undefined;
  let resumePoint: ResumePoint | null = null;
  const stopSignal = options.stopSignal;
  const isStopping = (): boolean => stopSignal?.aborted === true;
  // A run waiting (the PSA's hourly budget, a slow read) reaches no safe point by itself: after a
  // few seconds its connection closes, which ends the wait; the ledger settles any cut write.
  let stopTimer: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    stopTimer = setTimeout(() => void connection?.close().catch(() => undefined), tuning.stopWaitMs);
  };
  if (stopSignal?.aborted) onStop();
  else stopSignal?.addEventListener('abort', onStop, { once: true });

  const body = async (isLost: () => boolean): Promise<void> => {
    connection = await env.openConnection(
      connectorId,
      (event) => {
        endWaitIfFlowing();
        if (event.endpoint === 'zoneInformation') return;
        if (event.method === 'POST' && event.endpoint.includes('Adjustment')) return;
        counters.psa_reads++;
      },
      onPace,
    );
    const conn = connection;
    const today = localDay(env.clock(), policy.timeZone);
    effectiveDate = today;
    await runs.update(runId, {
      effective_date: today,
      time_zone: policy.timeZone,
      updated_at: env.clock().toISOString(),
    });

    if (mode === 'apply') {
      for (const stale of await runs.staleRunning(connectorId, runId)) {
        await runs.update(stale.id, {
          status: 'failed',
          error_code: 'interrupted',
          error_message:
            'The run stopped before finishing (process ended); the next run reconciled its writes.',
          finished_at: env.clock().toISOString(),
          updated_at: env.clock().toISOString(),
        });
      }
      setPhase('reconciling');
      const tally = await reconcilePending(env, conn, ledger, runs, connectorId, runId, () => undefined);
      if (tally.applied + tally.notApplied + tally.unresolved > 0)
        env.logger?.info({ runId, ...tally }, 'reconciled pending adjustments');
      if (isResume) {
        resumePoint = await prepareResume(db, runId, startedAt, existing);
        for (const column of runCounterColumns) counters[column] += resumePoint.counters[column];
        env.logger?.info({ runId, kept: resumePoint.kept.size }, 'sync run resumed after an interruption');
      }
    }

    const channelId = (await connectorChannel(db, connectorId)) ?? '';
    // Workspaces and services once; counts and confirmed units per chunk below, so a run's memory
    // stays flat however many customers the channel has.
    const source = await loadSyncSource(db, connectorId, channelId);
    const orphans = await ledger.confirmedOrphans(connectorId, channelId);
    const appliedDates = await ledger.appliedDatesFrom(connectorId, today);
    // One line per (workspace, service) and per orphan; a chunk that also plans lines for contract
    // services no longer mapped here adds them to the total when it finds them.
    total = source.workspaces.length * source.services.length + orphans.length;
    setPhase('reading');

    const writers = new PQueue({ concurrency: tuning.writeConcurrency });
    let seq = resumePoint?.nextSeq ?? 0;
    const needsReading = (w: PlanWorkspace): boolean => {
      if (w.companyId === null) return false;
      const mode = policy.statusBilling[w.status as keyof typeof policy.statusBilling] as string | undefined;
      return mode === 'bill' || mode === 'zero';
    };

    const processChunk = async (
      workspaces: PlanWorkspace[],
      chunkConfirmed: ConfirmedUnits[],
      expectedLines: number,
    ): Promise<void> => {
      const usage = await loadUsage(
        db,
        workspaces.map((w) => w.id),
        today,
      );
      const companyIds = [...new Set(workspaces.filter(needsReading).map((w) => w.companyId ?? ''))];
      const view = await readPsaView(conn, companyIds, chunkConfirmed, policy, today, appliedDates);
      const lines = planSync({
        effectiveDate: today,
        policy,
        workspaces,
        services: source.services,
        usage,
        psa: view,
        confirmed: chunkConfirmed,
        appliedDates,
        guide: conn.guide,
      });
      total += Math.max(0, lines.length - expectedLines);
      const now = env.clock().toISOString();
      // Resumed run: what the interrupted attempt already applied keeps its line.
      const kept = resumePoint?.kept;
      const fresh = kept ? lines.filter((l) => !kept.has(lineKey(l.workspaceId, l.serviceKey))) : lines;
      done += lines.length - fresh.length;
      const works = fresh.map((line) => ({ id: newId(), line, status: initialLineStatus(line, mode) }));
      await runs.insertLines(runId, seq, works, now);
      seq += works.length;
      counters.lines_total += fresh.length;
      if (view.companyErrors.size > 0) {
        const first = [...view.companyErrors.values()][0];
        if (first && credentialCodes.has(first.code)) await env.onCredentialFailure?.(connectorId, first);
      }
      const toConfirm = [];
      for (const { id, line } of works) {
        switch (line.kind) {
          case 'unchanged':
            counters.unchanged++;
            done++;
            if (mode === 'apply' && line.contractId && line.psaServiceId) {
              if (line.isUnmapped) await ledger.forget(connectorId, line.workspaceId, line.serviceKey);
              else
                toConfirm.push({
                  connectorId,
                  workspaceId: line.workspaceId,
                  workspaceName: line.workspaceName,
                  serviceKey: line.serviceKey,
                  serviceName: line.serviceName,
                  companyId: line.companyId ?? '',
                  contractId: line.contractId,
                  psaServiceId: line.psaServiceId,
                  units: line.currentUnits ?? 0,
                  asOfDate: today,
                  runId,
                });
            }
            break;
          case 'skipped':
            counters.skipped++;
            done++;
            if (mode === 'apply' && line.isUnmapped)
              await ledger.forget(connectorId, line.workspaceId, line.serviceKey);
            break;
          case 'problem':
            counters.problems++;
            if (line.problem === 'autotask_error') counters.failed++;
            done++;
            break;
          case 'held':
            counters.held++;
            done++;
            break;
          case 'adjust':
            if (mode === 'dry-run') {
              counters.adjusted++;
              done++;
              break;
            }
            void writers.add(async () => {
              // Not started before the stop: stays `planned`; the resumed run plans it again.
              if (isStopping()) return;
              const outcome = await applyThroughLedger({
                env,
                connection: conn,
                ledger,
                runs,
                connectorId,
                runId,
                work: { lineId: id, line },
                tuning,
                isLost,
                countWrite: () => counters.psa_writes++,
              });
              if (outcome.status === 'applied') {
                counters.adjusted++;
                const delta = line.delta ?? 0;
                if (delta > 0) counters.units_added += delta;
                else counters.units_removed -= delta;
              } else counters.failed++;
              done++;
              emit();
            });
            break;
        }
      }
      if (mode === 'dry-run') {
        for (const { line } of works) {
          if (line.kind !== 'adjust') continue;
          const delta = line.delta ?? 0;
          if (delta > 0) counters.units_added += delta;
          else counters.units_removed -= delta;
        }
      }
      if (toConfirm.length > 0) await ledger.confirmMany(toConfirm, now);
      emit();
    };

    const stopSafely = async (): Promise<never> => {
      writers.clear();
      await writers.onIdle();
      throw new RunInterrupted();
    };
    for (const chunk of chunkByCompany(source.workspaces, tuning.companiesPerChunk)) {
      if (isStopping()) await stopSafely();
      const chunkConfirmed = await ledger.confirmedFor(
        connectorId,
        chunk.map((w) => w.id),
      );
      await processChunk(chunk, chunkConfirmed, chunk.length * source.services.length);
      // Keep reads at most one chunk ahead of the writers: bounded memory for very large channels.
      if (writers.size > tuning.companiesPerChunk * source.services.length)
        await writers.onSizeLessThan(tuning.companiesPerChunk);
    }
    if (orphans.length > 0) await processChunk([], orphans, orphans.length);
    setPhase(mode === 'apply' ? 'applying' : 'finished');
    await writers.onIdle();
    if (isStopping()) await stopSafely();
  };

  try {
    if (mode === 'apply') await withLease(ledger, env, connectorId, runId, tuning, body);
    else await body(() => false);
    const hadReadErrors = counters.failed > 0;
    status = hadReadErrors ? 'partial' : 'succeeded';
  } catch (error) {
    if (isStopping() && mode === 'apply') {
      // Whatever stopped it (RunInterrupted, or a PSA call cut by the closing connection), every
      // write went through the ledger: the run is safe to resume.
      status = 'queued';
      errorCode = INTERRUPTED_BY_SHUTDOWN;
      errorMessage = interruptedMessage(env.clock().toISOString());
      env.logger?.info({ runId, connectorId }, 'sync run stopped at a safe point for a shutdown');
    } else {
      status = 'failed';
      errorCode = errorCodeOf(error);
      errorMessage = errorMessageOf(error);
      env.logger?.error({ runId, connectorId, err: error }, 'sync run failed');
    }
  } finally {
    clearTimeout(stopTimer);
    stopSignal?.removeEventListener('abort', onStop);
    await connection?.close().catch(() => undefined);
  }
  const finishedAt = env.clock().toISOString();
  phase = 'finished';
  done = Math.max(done, total);
  wait = null;
  await persisted;
  await runs.update(runId, {
    status,
    phase,
    progress_done: done,
    progress_total: total,
    wait_json: null,
    ...counters,
    error_code: errorCode,
    error_message: errorMessage,
    finished_at: status === 'queued' ? null : finishedAt,
    updated_at: finishedAt,
  });
  const summary: SyncRunSummary = {
    runId,
    connectorId,
    mode,
    trigger: options.trigger,
    status,
    effectiveDate,
    counters,
    errorCode,
    errorMessage,
    startedAt,
    finishedAt,
  };
  const last = snapshot({ status, ...(errorMessage ? { message: errorMessage } : {}) });
  syncProgressHub.publish(last);
  options.onProgress?.(last);
  if (mode === 'apply' && status !== 'queued') await env.onFinished?.(summary).catch(() => undefined);
  return summary;
}

/** Lease + connection + ledger writer for approvals (see sync-approval.ts). */
export async function applyHeld<T>(
  env: SyncEnvironment,
  connectorId: string,
  runId: string,
  tuningOverrides: Partial<SyncTuning>,
  work: (ctx: {
    /** The PSA's name, for the approval's own messages. */
    readonly psaName: string;
    readUnits(contractIds: readonly string[], onDate: string): ReturnType<typeof readUnitsMap>;
    apply(
      lineId: string,
      line: PlannedLine,
      approval: { approvedBy: string; approvedAt: string },
    ): Promise<{ status: 'applied' | 'failed'; message?: string }>;
  }) => Promise<T>,
): Promise<T> {
  const tuning: SyncTuning = { ...defaultSyncTuning, ...tuningOverrides };
  const ledger = createLedgerRepository(env.db);
  const runs = createSyncRunRepository(env.db);
  return withLease(ledger, env, connectorId, `approve:${newId()}`, tuning, async (isLost) => {
    const connection = await env.openConnection(connectorId, () => undefined);
    try {
      return await work({
        psaName: connection.guide.psaName,
        readUnits: (contractIds, onDate) => readUnitsMap(connection, contractIds, onDate),
        apply: (lineId, line, approval) =>
          applyThroughLedger({
            env,
            connection,
            ledger,
            runs,
            connectorId,
            runId,
            work: { lineId, line },
            tuning,
            isLost,
            countWrite: () => undefined,
            extra: approval,
          }),
      });
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
}

async function connectorChannel(db: Kysely<DB>, connectorId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('psa_connectors')
    .select('channel_id')
    .where('id', '=', connectorId)
    .executeTakeFirst();
  if (!row) throw new RunAborted('not_found', 'No such connector.');
  return row.channel_id;
}

/** One chunk's Autotask state in three batched reads (+ one per extra date for deferred lines). */
async function readPsaView(
  conn: PsaConnection,
  companyIds: readonly string[],
  chunkConfirmed: readonly ConfirmedUnits[],
  policy: BillingPolicy,
  today: string,
  appliedDates: ReadonlyMap<string, string>,
): Promise<PsaView> {
  const contractsByCompany = new Map<string, PsaContract[]>();
  const contractServicesByContract = new Map<string, PsaContractService[]>();
  const unitsByKey = new Map<string, UnitsOnDate>();
  const companyErrors = new Map<string, PsaError>();
  const contractErrors = new Map<string, PsaError>();
  const view: PsaView = {
    contractsByCompany,
    contractServicesByContract,
    unitsByKey,
    companyErrors,
    contractErrors,
  };

  let usable: PsaContract[] = [];
  if (companyIds.length > 0) {
    const contracts = await conn.readContracts(companyIds);
    if (!contracts.ok) {
      for (const id of companyIds) companyErrors.set(id, contracts.error);
      return view;
    }
    for (const c of contracts.value)
      contractsByCompany.set(c.companyId, [...(contractsByCompany.get(c.companyId) ?? []), c]);
    usable = contracts.value.filter((c) => isContractUsableOn(c, today));
    if (usable.length > 0) {
      const services = await conn.readContractServices(usable.map((c) => c.id));
      if (!services.ok) {
        for (const c of usable) companyErrors.set(c.companyId, services.error);
        return view;
      }
      for (const cs of services.value)
        contractServicesByContract.set(cs.contractId, [
          ...(contractServicesByContract.get(cs.contractId) ?? []),
          cs,
        ]);
    }
  }
  const unitContracts = new Set(usable.map((c) => c.id));
  if (policy.onUnmap === 'zero') for (const c of chunkConfirmed) unitContracts.add(c.contractId);
  if (unitContracts.size === 0) return view;
  const units = await readUnitsMap(conn, [...unitContracts], today);
  if (!units.ok) {
    for (const id of unitContracts) contractErrors.set(id, units.error);
    return view;
  }
  for (const [k, v] of units.map) unitsByKey.set(k, v);

  // Contract services already adjusted on/after today: their "current" is what holds on that later date.
  const laterDates = new Map<string, Set<string>>();
  for (const [key, date] of appliedDates) {
    const contractId = key.slice(0, key.indexOf(':'));
    if (!unitContracts.has(contractId) || date <= today) continue;
    laterDates.set(date, (laterDates.get(date) ?? new Set()).add(contractId));
  }
  for (const [date, contractIds] of laterDates) {
    const later = await readUnitsMap(conn, [...contractIds], date);
    if (!later.ok) {
      for (const id of contractIds) contractErrors.set(id, later.error);
      continue;
    }
    for (const [key, d] of appliedDates) {
      if (d !== date) continue;
      const value = later.map.get(key);
      if (value) unitsByKey.set(key, value);
    }
  }
  return view;
}

export { addDays };
