/**
 * Live progress of sync runs inside one process: the executor publishes, SSE streams and the CLI
 * subscribe. Runs executed by another process (a worker) are followed through the run row instead.
 */
import { EventEmitter } from 'node:events';

import { clockTimeUtc, type SyncWait } from './sync-wait.js';

export const syncPhases = ['starting', 'reconciling', 'reading', 'applying', 'finished'] as const;
export type SyncPhase = (typeof syncPhases)[number];

export interface SyncProgressCounters {
  readonly lines: number;
  readonly unchanged: number;
  readonly adjusted: number;
  readonly held: number;
  readonly skipped: number;
  readonly problems: number;
  readonly failed: number;
  readonly psaReads: number;
  readonly psaWrites: number;
}

export interface SyncProgressEvent {
  readonly runId: string;
  readonly connectorId: string;
  readonly phase: SyncPhase;
  /** Lines settled (nothing left to do for them) out of the lines expected. */
  readonly done: number;
  readonly total: number;
  readonly counters: SyncProgressCounters;
  /** Set on the final event. */
  readonly status?: string;
  readonly message?: string;
  /**
   * Set while the run waits on the PSA's request budget (a pause, or spacing of 2 s or more); absent
   * once requests flow again. Every event is a full snapshot, so "absent" means "not waiting".
   */
  readonly wait?: SyncWait;
}

class ProgressHub {
  private readonly emitter = new EventEmitter();
  private readonly latest = new Map<string, SyncProgressEvent>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: SyncProgressEvent): void {
    this.latest.set(event.runId, event);
    this.emitter.emit(event.runId, event);
    if (event.phase === 'finished') setTimeout(() => this.latest.delete(event.runId), 60_000).unref();
  }

  last(runId: string): SyncProgressEvent | undefined {
    return this.latest.get(runId);
  }

  subscribe(runId: string, listener: (event: SyncProgressEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }
}

/** One hub per process. */
export const syncProgressHub = new ProgressHub();

/** A text progress bar for the CLI: `[#######.......]  45% 540/1200 lines`. */
export function renderProgressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total} lines`;
}

const waitLabels: Record<SyncWait['reason'], string> = {
  share_used: 'paused: our share of the API budget is used',
  tenant_exhausted: 'paused: the API limit is used up',
  spacing: 'slowed down',
};

/**
 * One CLI progress line: bar, phase, calls, and the wait while there is one
 * (`… paused: our share of the API budget is used, resumes about 14:05 UTC`).
 */
export function renderProgressLine(event: SyncProgressEvent): string {
  const line = `${renderProgressBar(event.done, event.total)}  ${event.phase}  reads ${event.counters.psaReads} writes ${event.counters.psaWrites}`;
  if (!event.wait) return line;
  const verb = event.wait.reason === 'tenant_exhausted' ? 'checks again' : 'resumes';
  return `${line}  ${waitLabels[event.wait.reason]}, ${verb} about ${clockTimeUtc(new Date(event.wait.resumesAt))}`;
}
