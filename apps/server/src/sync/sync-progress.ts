/**
 * Live progress of sync runs inside one process: the executor publishes, SSE streams and the CLI
 * subscribe. Runs executed by another process (a worker) are followed through the run row instead.
 */
import { EventEmitter } from 'node:events';

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
