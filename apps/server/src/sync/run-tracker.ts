/**
 * A run's live state: counters, phase and progress, the budget wait being shown, and how they reach
 * followers (the progress hub, `onProgress`, and the run row that other processes read).
 */
import { adjustmentsAppliedTotal } from '../observability/metrics.js';
import type { SyncRunMode, SyncRunStatusName } from '@coro/contracts';

import type { PlannedLine } from '../domain/sync-plan.js';
import type { PsaCallEvent, PsaConnection, PsaPaceEvent } from '../psa/psa-provider.port.js';
import type { SyncEnvironment } from './sync-environment.js';
import { syncProgressHub, type SyncPhase, type SyncProgressEvent } from './sync-progress.js';
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { emptyCounters, updateSyncRun } from './sync-run.repository.js';
import { syncWaitOf, type SyncWait } from './sync-wait.js';

export class RunTracker {
  readonly counters = emptyCounters();
  phase: SyncPhase = 'starting';
  done = 0;
  total = 0;
  /** The PSA's name for wait messages, once a connection is open. */
  psaName = 'the PSA';
  #wait: SyncWait | null = null;
  #lastPersist = 0;
  #lastEmit = 0;
  #persisted: Promise<void> = Promise.resolve();
  #waitSince = 0;
  #flowsFrom = 0;
  #paceSeq = 0;
  #isEndPending = false;

  constructor(
    private readonly env: SyncEnvironment,
    private readonly db: Kysely<DB>,
    private readonly runId: string,
    private readonly connectorId: string,
    private readonly onProgress?: (event: SyncProgressEvent) => void,
  ) {}

  snapshot(extra: Partial<SyncProgressEvent> = {}): SyncProgressEvent {
    const c = this.counters;
    return {
      runId: this.runId,
      connectorId: this.connectorId,
      phase: this.phase,
      done: this.done,
      total: this.total,
      counters: {
        lines: c.lines_total,
        unchanged: c.unchanged,
        adjusted: c.adjusted,
        held: c.held,
        skipped: c.skipped,
        problems: c.problems,
        failed: c.failed,
        psaReads: c.psa_reads,
        psaWrites: c.psa_writes,
      },
      ...(this.#wait === null ? {} : { wait: this.#wait }),
      ...extra,
    };
  }

  /** Publishes progress at most every 100 ms, and writes it to the run row at most every second. */
  emit(force = false): void {
    const t = Date.now();
    if (!force && t - this.#lastEmit < 100) return;
    this.#lastEmit = t;
    const event = this.snapshot();
    syncProgressHub.publish(event);
    this.onProgress?.(event);
    if (force || t - this.#lastPersist > 1_000) {
      this.#lastPersist = t;
      const wait = this.#wait;
      // Chained: two quick updates (a pause and its end) must reach the row in order.
      this.#persisted = this.#persisted
        .then(() =>
          updateSyncRun(this.db, this.runId, {
            phase: this.phase,
            progress_done: this.done,
            progress_total: this.total,
            ...this.counters,
            // Followers in other processes (console, events stream) read the wait from the row.
            wait_json: wait === null ? null : JSON.stringify(wait),
            updated_at: this.env.clock().toISOString(),
          }),
        )
        .catch(() => undefined);
    }
  }

  setPhase(next: SyncPhase): void {
    this.phase = next;
    this.emit(true);
  }

  /** Every PSA call: counts reads, and may end the wait being shown. */
  onCall(event: PsaCallEvent): void {
    this.#endWaitIfFlowing();
    // Writes are counted by the writer (once per attempt); discovery is no tenant request.
    if (event.kind === 'read') this.counters.psa_reads++;
  }

  /**
   * Budget waits. The connection reports each wait as it begins, not its end, so a wait ends when a
   * request completes after the earliest resume time (one already in flight when the pause began
   * says nothing), and only if no new wait follows at once: a budget re-check that finds the limit
   * still used up pauses again in the same turn, and the console should not blink.
   */
  onPace(event: PsaPaceEvent): void {
    const { env } = this;
    const next = syncWaitOf(event, env.clock(), this.psaName);
    if (next === null) return;
    this.#paceSeq++;
    const previous = this.#wait;
    const resumesAtMs = Date.parse(next.resumesAt);
    const isContinued = previous !== null && env.clock().getTime() < this.#flowsFrom - 1_000;
    this.#wait = next;
    this.#flowsFrom = isContinued ? Math.min(this.#flowsFrom, resumesAtMs) : resumesAtMs;
    const isNews =
      previous === null ||
      previous.reason !== next.reason ||
      Math.abs(resumesAtMs - Date.parse(previous.resumesAt)) >= 60_000;
    if (!isNews) return;
    if (previous === null) this.#waitSince = env.clock().getTime();
    // The connection logs every wait; the run logs when a pause begins or changes its reason
    // (not each re-check of an exhausted tenant, nor routine spacing).
    if (next.reason !== 'spacing' && previous?.reason !== next.reason)
      env.logger?.info(
        { runId: this.runId, connectorId: this.connectorId, wait: next },
        `sync paused (${next.reason})`,
      );
    this.emit(true);
  }

  #endWaitIfFlowing(): void {
    if (this.#wait === null || this.#isEndPending) return;
    // 1 s of slack: the connection's clock and ours may disagree by a timer tick.
    if (this.env.clock().getTime() < this.#flowsFrom - 1_000) return;
    this.#isEndPending = true;
    const seq = this.#paceSeq;
    setImmediate(() => {
      this.#isEndPending = false;
      const wait = this.#wait;
      if (wait === null || this.#paceSeq !== seq) return;
      if (wait.reason !== 'spacing')
        this.env.logger?.info(
          {
            runId: this.runId,
            connectorId: this.connectorId,
            reason: wait.reason,
            waitedMs: this.env.clock().getTime() - this.#waitSince,
          },
          'sync resumed: requests flow again',
        );
      this.#wait = null;
      this.emit(true);
    });
  }

  /** Counts a planned line that needs no write (every line in a dry run). */
  countPlanned(line: PlannedLine, mode: SyncRunMode): void {
    const c = this.counters;
    switch (line.kind) {
      case 'unchanged':
        c.unchanged++;
        break;
      case 'skipped':
        c.skipped++;
        break;
      case 'problem':
        c.problems++;
        if (line.problem === 'psa_error') c.failed++;
        break;
      case 'held':
        c.held++;
        break;
      case 'adjust':
        if (mode === 'apply') return; // counted by countWritten when the writer is done
        c.adjusted++;
        this.#countUnits(line);
        break;
    }
    this.done++;
  }

  /**
   * An adjust line of an applied preview that changed since the review: not written, so the run
   * ends `partial` and says which lines to review again.
   */
  countStale(): void {
    this.counters.failed++;
    this.done++;
  }

  /** Counts an adjustment the writer has settled. */
  countWritten(line: PlannedLine, status: 'applied' | 'failed'): void {
    adjustmentsAppliedTotal.inc({ outcome: status });
    if (status === 'applied') {
      this.counters.adjusted++;
      this.#countUnits(line);
    } else this.counters.failed++;
    this.done++;
    this.emit();
  }

  #countUnits(line: PlannedLine): void {
    const delta = line.delta ?? 0;
    if (delta > 0) this.counters.units_added += delta;
    else this.counters.units_removed -= delta;
  }

  /** Writes the final state to the run row and publishes the last event. */
  async finish(
    status: SyncRunStatusName,
    errorCode: string | null,
    errorMessage: string | null,
    finishedAt: string,
  ): Promise<void> {
    this.phase = 'finished';
    this.done = Math.max(this.done, this.total);
    this.#wait = null;
    await this.#persisted;
    await updateSyncRun(this.db, this.runId, {
      status,
      phase: this.phase,
      progress_done: this.done,
      progress_total: this.total,
      wait_json: null,
      ...this.counters,
      error_code: errorCode,
      error_message: errorMessage,
      // A run handed back for a restart is not finished: it resumes as the same run.
      finished_at: status === 'queued' ? null : finishedAt,
      updated_at: finishedAt,
    });
    const last = this.snapshot({ status, ...(errorMessage ? { message: errorMessage } : {}) });
    syncProgressHub.publish(last);
    this.onProgress?.(last);
  }
}

/** Opens the connector's PSA connection with every call and pause counted on this run's tracker. */
export async function openTrackedConnection(
  env: SyncEnvironment,
  connectorId: string,
  tracker: RunTracker,
): Promise<PsaConnection> {
  const connection = await env.openConnection(
    connectorId,
    (event) => tracker.onCall(event),
    (event) => tracker.onPace(event),
  );
  tracker.psaName = connection.guide.psaName;
  return connection;
}
