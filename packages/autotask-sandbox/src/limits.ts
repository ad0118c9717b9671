const hourMs = 3_600_000;

/** Requests of one tenant in the rolling last 60 minutes. */
export class RollingCounter {
  private stamps: number[] = [];
  private head = 0;

  count(nowMs: number): number {
    this.prune(nowMs);
    return this.stamps.length - this.head;
  }

  add(nowMs: number): number {
    this.prune(nowMs);
    this.stamps.push(nowMs);
    return this.stamps.length - this.head;
  }

  reset(): void {
    this.stamps = [];
    this.head = 0;
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - hourMs;
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= cutoff) this.head++;
    // Compact once the dead prefix dominates, so memory stays bounded by the live window.
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }
}

/** Extra latency the API adds as the tenant approaches its hourly threshold. */
export function usageLatencyMs(count: number, threshold: number, tierScale: number): number {
  if (threshold <= 0) return 0;
  const usage = count / threshold;
  if (usage >= 0.75) return 1000 * tierScale;
  if (usage >= 0.5) return 500 * tierScale;
  return 0;
}

export function thresholdMessage(threshold: number): string {
  return `The request threshold of ${threshold} requests per 60 minutes has been exceeded for this database. Requests are blocked until usage falls below the threshold.`;
}

export function threadMessage(limit: number): string {
  return `Thread Threshold Exceeded — The Autotask API thread threshold of ${limit} threads has been exceeded.`;
}

/** In-flight requests per (tracking identifier, entity endpoint). */
export class ThreadLimiter {
  private readonly inFlight = new Map<string, number>();
  /**
   * The most requests a client ever had in flight on one key, the refused one included: 4 means a
   * client sent a 4th concurrent request (and got a 429), which is what a test wants to rule out.
   */
  peakDemand = 0;

  tryAcquire(key: string, limit: number): (() => void) | null {
    const current = this.inFlight.get(key) ?? 0;
    this.peakDemand = Math.max(this.peakDemand, current + 1);
    if (current >= limit) return null;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inFlight.get(key) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, n);
    };
  }

  reset(): void {
    this.inFlight.clear();
    this.peakDemand = 0;
  }
}
