/**
 * Autotask's two limits, enforced on our side so the tenant never has to:
 *
 * - Threads: at most 3 requests in flight per (tracking identifier, entity endpoint). Autotask
 *   answers 429 above that. `Companies/query`, `Companies/query/count` and
 *   `Companies/entityInformation` are one endpoint, so the queue key is the entity name.
 * - Hourly budget: ~10,000 requests per rolling hour per tenant database, shared with every other
 *   integration the MSP runs; at 100 % Autotask suspends the API for the whole tenant. We keep OUR
 *   usage under a share of it (default 50 %), spread requests out as the tenant approaches the
 *   limit and pause (wait, never fail) when our share is used.
 */
import PQueue from 'p-queue';

/** Autotask's documented thread limit for integrations created after release 2023.1. */
export const autotaskThreadLimit = 3;

export class EntityQueues {
  readonly #queues = new Map<string, PQueue>();
  readonly #concurrency: number;

  constructor(concurrency: number = autotaskThreadLimit) {
    // More than Autotask's limit only buys 429s, so the cap is enforced even if misconfigured.
    this.#concurrency = Math.max(1, Math.min(autotaskThreadLimit, Math.floor(concurrency)));
  }

  run<T>(entity: string, task: () => Promise<T>): Promise<T> {
    const key = entity.toLowerCase();
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = new PQueue({ concurrency: this.#concurrency });
      this.#queues.set(key, queue);
    }
    return queue.add(task);
  }

  /** Requests currently running for an entity (tests and metrics). */
  pending(entity: string): number {
    return this.#queues.get(entity.toLowerCase())?.pending ?? 0;
  }
}

export const pacingReasons = ['clear', 'spacing', 'share_used', 'tenant_exhausted'] as const;
export type PacingReason = (typeof pacingReasons)[number];

export interface PacingInput {
  readonly now: number;
  /** Tenant requests allowed per window (ThresholdInformation.externalRequestThreshold). */
  readonly limit: number;
  readonly windowMs: number;
  /** Share of `limit` we allow ourselves, 0 < share ≤ 1. */
  readonly share: number;
  /** Usage fraction from which we start spacing requests (0.5: where Autotask adds latency too). */
  readonly slowdownFrom: number;
  /** Best estimate of the tenant's usage in the window (last reading + our calls since). */
  readonly tenantUsed: number;
  /** Our requests inside the rolling window, and when the oldest of them started. */
  readonly ourCallsInWindow: number;
  readonly oldestOurCallAt: number | null;
  /** When our previous request started (spacing is measured from it). */
  readonly lastStartAt: number | null;
  /** How long to wait before re-reading when the tenant is at 100 % (our calls cannot help it). */
  readonly exhaustedRecheckMs: number;
}

export interface PacingDecision {
  readonly waitMs: number;
  readonly reason: PacingReason;
  /** Our allowance in the window: floor(limit × share). */
  readonly allowance: number;
}

/**
 * How long to wait before the next request. Pure.
 *
 * Pressure is the larger of our share used and the tenant's budget used. Below `slowdownFrom`
 * there is no wait. Above it, requests are spaced by an interval that grows linearly with the
 * pressure, up to "spread the remaining headroom over a whole window" at 100 %, so we degrade
 * smoothly instead of bursting into the wall. At our allowance we pause until our oldest request
 * leaves the rolling window.
 */
export function decidePacing(input: PacingInput): PacingDecision {
  const allowance = Math.max(1, Math.floor(input.limit * input.share));
  if (input.ourCallsInWindow >= allowance) {
    const oldest = input.oldestOurCallAt ?? input.now;
    return { waitMs: Math.max(1, oldest + input.windowMs - input.now), reason: 'share_used', allowance };
  }
  if (input.tenantUsed >= input.limit) {
    return { waitMs: Math.max(1, input.exhaustedRecheckMs), reason: 'tenant_exhausted', allowance };
  }
  const pressure = Math.max(input.ourCallsInWindow / allowance, input.tenantUsed / input.limit);
  if (pressure < input.slowdownFrom || input.lastStartAt === null)
    return { waitMs: 0, reason: 'clear', allowance };
  const headroom = Math.max(1, Math.min(allowance - input.ourCallsInWindow, input.limit - input.tenantUsed));
  const ramp = input.slowdownFrom >= 1 ? 1 : (pressure - input.slowdownFrom) / (1 - input.slowdownFrom);
  const intervalMs = (input.windowMs / headroom) * ramp;
  const waitMs = Math.ceil(Math.max(0, input.lastStartAt + intervalMs - input.now));
  return waitMs > 0 ? { waitMs, reason: 'spacing', allowance } : { waitMs: 0, reason: 'clear', allowance };
}

export interface ThresholdReading {
  readonly limit: number;
  readonly windowMs: number;
  readonly used: number;
  readonly readAt: number;
}

export interface PaceEvent {
  readonly reason: Exclude<PacingReason, 'clear'>;
  readonly waitMs: number;
  readonly ourCallsInWindow: number;
  readonly allowance: number;
  readonly tenantUsed: number;
  readonly tenantLimit: number;
  readonly windowMinutes: number;
}

export interface BudgetPacerOptions {
  readonly share: number;
  readonly slowdownFrom: number;
  /** Re-read ThresholdInformation after this many of our calls… */
  readonly refreshEveryCalls: number;
  /** …or after this long, whichever comes first. */
  readonly refreshEveryMs: number;
  readonly exhaustedRecheckMs: number;
  /** Used until the first reading arrives (Autotask's documented default). */
  readonly defaultLimit: number;
  readonly defaultWindowMs: number;
}

export const defaultBudgetPacerOptions: BudgetPacerOptions = {
  share: 0.5,
  slowdownFrom: 0.5,
  refreshEveryCalls: 100,
  refreshEveryMs: 60_000,
  exhaustedRecheckMs: 60_000,
  defaultLimit: 10_000,
  defaultWindowMs: 60 * 60_000,
};

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/**
 * Stateful wrapper around `decidePacing` for one connector (one tenant): remembers our request
 * start times in the rolling window and the last ThresholdInformation reading.
 */
export class BudgetPacer {
  readonly #options: BudgetPacerOptions;
  readonly #clock: Clock;
  #starts: number[] = [];
  #lastStartAt: number | null = null;
  #reading: ThresholdReading | null = null;
  #callsSinceReading = 0;
  #lastAttemptAt: number | null = null;
  #callsSinceAttempt = 0;
  #forceRefresh = false;

  constructor(options: BudgetPacerOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  get reading(): ThresholdReading | null {
    return this.#reading;
  }

  /** Due at start, after a pause, and every N calls or M ms (counted from the last attempt, so a failing read is not hammered). */
  needsReading(): boolean {
    if (this.#lastAttemptAt === null || this.#forceRefresh) return true;
    if (this.#callsSinceAttempt >= this.#options.refreshEveryCalls) return true;
    return this.#clock.now() - this.#lastAttemptAt >= this.#options.refreshEveryMs;
  }

  recordReading(reading: Omit<ThresholdReading, 'readAt'>): void {
    this.#reading = { ...reading, readAt: this.#clock.now() };
    this.#callsSinceReading = 0;
    this.#noteAttempt();
  }

  /**
   * Autotask answered 429 for the hourly threshold: the tenant is at 100 % whatever our last
   * reading said. Pacing then pauses until a later reading shows headroom.
   */
  recordExhausted(): void {
    const limit = this.#reading?.limit ?? this.#options.defaultLimit;
    const windowMs = this.#reading?.windowMs ?? this.#options.defaultWindowMs;
    this.#reading = { limit, windowMs, used: limit, readAt: this.#clock.now() };
    this.#callsSinceReading = 0;
    this.#noteAttempt();
  }

  /** A failed read keeps the previous reading (or the defaults) until the next one is due. */
  recordReadingFailed(): void {
    this.#noteAttempt();
  }

  #noteAttempt(): void {
    this.#lastAttemptAt = this.#clock.now();
    this.#callsSinceAttempt = 0;
    this.#forceRefresh = false;
  }

  /** Counts a request that bypasses pacing (the ThresholdInformation read itself). */
  recordUnpacedCall(): void {
    const now = this.#clock.now();
    this.#prune(now);
    this.#starts.push(now);
    this.#callsSinceReading += 1;
  }

  /**
   * Waits until a request may start, then records it. Loops because the picture changes while we
   * sleep (other requests start, readings arrive). `refresh` reads ThresholdInformation; it is
   * called whenever the reading is due, including right after a pause.
   */
  async acquire(
    signal: AbortSignal,
    onPace: (event: PaceEvent) => void,
    refresh: () => Promise<void>,
  ): Promise<void> {
    for (;;) {
      // While our own share is used up, a reading cannot let us go any sooner, and the read itself
      // would take the very slot the wait is for: leave it until a request may actually start.
      if (this.needsReading() && !this.#isShareUsed()) await refresh();
      const now = this.#clock.now();
      this.#prune(now);
      const limit = this.#reading?.limit ?? this.#options.defaultLimit;
      const windowMs = this.#reading?.windowMs ?? this.#options.defaultWindowMs;
      const tenantUsed = (this.#reading?.used ?? 0) + this.#callsSinceReading;
      const decision = decidePacing({
        now,
        limit,
        windowMs,
        share: this.#options.share,
        slowdownFrom: this.#options.slowdownFrom,
        tenantUsed,
        ourCallsInWindow: this.#starts.length,
        oldestOurCallAt: this.#starts[0] ?? null,
        lastStartAt: this.#lastStartAt,
        exhaustedRecheckMs: this.#options.exhaustedRecheckMs,
      });
      if (decision.reason === 'clear') {
        this.#starts.push(now);
        this.#lastStartAt = now;
        this.#callsSinceReading += 1;
        this.#callsSinceAttempt += 1;
        return;
      }
      onPace({
        reason: decision.reason,
        waitMs: decision.waitMs,
        ourCallsInWindow: this.#starts.length,
        allowance: decision.allowance,
        tenantUsed,
        tenantLimit: limit,
        windowMinutes: Math.round(windowMs / 60_000),
      });
      // The tenant was at its limit: only a fresh reading can say it has room again. (After a wait
      // for our own share, our counter already knows; the periodic refresh covers the tenant.)
      if (decision.reason === 'tenant_exhausted') this.#forceRefresh = true;
      await this.#clock.sleep(decision.waitMs, signal);
    }
  }

  #isShareUsed(): boolean {
    this.#prune(this.#clock.now());
    const limit = this.#reading?.limit ?? this.#options.defaultLimit;
    return this.#starts.length >= Math.max(1, Math.floor(limit * this.#options.share));
  }

  /** Our requests in the current rolling window. */
  callsInWindow(): number {
    this.#prune(this.#clock.now());
    return this.#starts.length;
  }

  #prune(now: number): void {
    const windowMs = this.#reading?.windowMs ?? this.#options.defaultWindowMs;
    const cutoff = now - windowMs;
    let drop = 0;
    while (drop < this.#starts.length && (this.#starts[drop] ?? Infinity) <= cutoff) drop += 1;
    if (drop > 0) this.#starts = this.#starts.slice(drop);
  }
}
