import { describe, expect, it } from 'vitest';
import {
  BudgetPacer,
  decidePacing,
  defaultBudgetPacerOptions,
  EntityQueues,
  type Clock,
  type PaceEvent,
  type PacingDecision,
  type PacingInput,
} from './autotask.limits.js';

const hourMs = 3_600_000;
const base: PacingInput = {
  now: 1_000_000,
  limit: 10_000,
  windowMs: hourMs,
  share: 0.5,
  slowdownFrom: 0.5,
  tenantUsed: 0,
  ourCallsInWindow: 0,
  oldestOurCallAt: null,
  lastStartAt: 999_000,
  exhaustedRecheckMs: 60_000,
};

describe('decidePacing', () => {
  const cases: readonly [string, Partial<PacingInput>, PacingDecision][] = [
    ['idle tenant: no wait', {}, { waitMs: 0, reason: 'clear', allowance: 5_000 }],
    [
      'below half of our share: no wait',
      { ourCallsInWindow: 2_499, tenantUsed: 4_999 },
      { waitMs: 0, reason: 'clear', allowance: 5_000 },
    ],
    // pressure 0.5 → ramp 0: the interval starts at zero and grows from there
    [
      'exactly at slowdown point',
      { ourCallsInWindow: 2_500, tenantUsed: 2_500 },
      { waitMs: 0, reason: 'clear', allowance: 5_000 },
    ],
    // tenant 7,500 / 10,000 → pressure 0.75, ramp 0.5; headroom min(5,000 − 100, 2,500) = 2,500
    // interval = 3,600,000 / 2,500 × 0.5 = 720 ms; last start 1 s ago → 0 wait
    [
      'tenant at 75 %, last call 1 s ago',
      { ourCallsInWindow: 100, tenantUsed: 7_500 },
      { waitMs: 0, reason: 'clear', allowance: 5_000 },
    ],
    [
      'tenant at 75 %, last call just now',
      { ourCallsInWindow: 100, tenantUsed: 7_500, lastStartAt: 1_000_000 },
      { waitMs: 720, reason: 'spacing', allowance: 5_000 },
    ],
    // our share 4,500 / 5,000 → pressure 0.9, ramp 0.8; headroom 500 → interval 5,760 ms
    [
      'our share at 90 %',
      { ourCallsInWindow: 4_500, tenantUsed: 4_600, lastStartAt: 1_000_000 },
      { waitMs: 5_760, reason: 'spacing', allowance: 5_000 },
    ],
    [
      'our share used: pause until the oldest call leaves the window',
      { ourCallsInWindow: 5_000, tenantUsed: 5_000, oldestOurCallAt: 1_000_000 - hourMs + 90_000 },
      { waitMs: 90_000, reason: 'share_used', allowance: 5_000 },
    ],
    [
      'tenant exhausted by others: pause and re-check',
      { ourCallsInWindow: 10, tenantUsed: 10_000 },
      { waitMs: 60_000, reason: 'tenant_exhausted', allowance: 5_000 },
    ],
    [
      'first call never waits for spacing',
      { ourCallsInWindow: 4_900, tenantUsed: 9_000, lastStartAt: null },
      { waitMs: 0, reason: 'clear', allowance: 5_000 },
    ],
    [
      'tiny budgets keep an allowance of one',
      { limit: 1, share: 0.5 },
      { waitMs: 0, reason: 'clear', allowance: 1 },
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(decidePacing({ ...base, ...input })).toStrictEqual(expected);
  });

  it('spacing grows monotonically with pressure', () => {
    const waits = [5_000, 6_000, 7_000, 8_000, 9_000, 9_900].map(
      (tenantUsed) => decidePacing({ ...base, tenantUsed, lastStartAt: base.now }).waitMs,
    );
    expect(waits).toStrictEqual([...waits].sort((a, b) => a - b));
    expect(waits[0]).toBe(0);
    expect(waits.at(-1)).toBeGreaterThan(waits[1]!);
  });
});

/** A virtual clock: sleeping advances time instantly. */
function virtualClock(start = 0): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

describe('BudgetPacer', () => {
  const run = async (slowdownFrom: number, calls: number) => {
    const clock = virtualClock();
    const options = {
      ...defaultBudgetPacerOptions,
      slowdownFrom,
      refreshEveryCalls: 1_000,
      refreshEveryMs: 10 * hourMs,
    };
    const pacer = new BudgetPacer(options, clock);
    let reads = 0;
    const refresh = (): Promise<void> => {
      reads += 1;
      pacer.recordReading({ limit: 20, windowMs: hourMs, used: 0 });
      return Promise.resolve();
    };
    const events: PaceEvent[] = [];
    const starts: number[] = [];
    const signal = new AbortController().signal;
    for (let i = 0; i < calls; i += 1) {
      await pacer.acquire(signal, (e) => events.push(e), refresh);
      starts.push(clock.now());
    }
    const maxInAnyWindow = Math.max(
      ...starts.map((s) => starts.filter((t) => t >= s && t < s + hourMs).length),
    );
    return { clock, reads, events, maxInAnyWindow };
  };

  it('pauses when our share is used and resumes after the window, spending no read on it', async () => {
    const { clock, reads, events, maxInAnyWindow } = await run(0.99, 11);
    expect(events.map((e) => e.reason)).toStrictEqual(['share_used']);
    expect(events[0]).toMatchObject({
      allowance: 10,
      ourCallsInWindow: 10,
      tenantLimit: 20,
      windowMinutes: 60,
    });
    expect(reads).toBe(1); // at start only: our own counter says when the share frees up
    expect(clock.now()).toBe(hourMs); // the 11th ran once the first left the rolling hour
    expect(maxInAnyWindow).toBe(10);
  });

  it('spaces requests out as pressure grows, so the share lasts (no pause needed)', async () => {
    const { events, maxInAnyWindow } = await run(0.5, 11);
    const spacing = events.filter((e) => e.reason === 'spacing').map((e) => e.waitMs);
    expect(spacing.length).toBeGreaterThan(2);
    expect(spacing).toStrictEqual([...spacing].sort((a, b) => a - b));
    expect(events.some((e) => e.reason === 'share_used')).toBe(false);
    expect(maxInAnyWindow).toBeLessThanOrEqual(10);
  });

  it('a 429 for the hourly threshold pauses the next request until a reading shows headroom', async () => {
    const clock = virtualClock();
    const pacer = new BudgetPacer({ ...defaultBudgetPacerOptions, exhaustedRecheckMs: 600_000 }, clock);
    pacer.recordReading({ limit: 100, windowMs: hourMs, used: 10 });
    pacer.recordExhausted();
    let reads = 0;
    const events: PaceEvent[] = [];
    await pacer.acquire(
      new AbortController().signal,
      (e) => events.push(e),
      () => {
        reads += 1;
        if (reads < 3) pacer.recordExhausted();
        else pacer.recordReading({ limit: 100, windowMs: hourMs, used: 0 });
        return Promise.resolve();
      },
    );
    expect(events.map((e) => [e.reason, e.waitMs])).toStrictEqual([
      ['tenant_exhausted', 600_000],
      ['tenant_exhausted', 600_000],
      ['tenant_exhausted', 600_000],
    ]);
    expect(reads).toBe(3);
    expect(clock.now()).toBe(1_800_000);
  });

  it('keeps sending as the share frees up: a threshold read never takes the slot a pause freed', async () => {
    // Like the client: the ThresholdInformation read is itself a request in our window.
    const clock = virtualClock();
    const options = { ...defaultBudgetPacerOptions, slowdownFrom: 0.99, refreshEveryMs: 10 * 60_000 };
    const pacer = new BudgetPacer(options, clock);
    let reads = 0;
    const refresh = (): Promise<void> => {
      reads += 1;
      pacer.recordUnpacedCall();
      pacer.recordReading({ limit: 200, windowMs: hourMs, used: 0 });
      return Promise.resolve();
    };
    const signal = new AbortController().signal;
    const acquire = (): Promise<void> => pacer.acquire(signal, () => undefined, refresh);
    // Our share (100) used evenly over one hour…
    for (let i = 0; i < 99; i += 1) {
      await acquire();
      await clock.sleep(36_000, signal);
    }
    // …then a burst of 100 more: each may start as one of ours leaves the rolling hour.
    const burstFrom = clock.now();
    const readsBefore = reads;
    for (let i = 0; i < 100; i += 1) await acquire();
    const burstMs = clock.now() - burstFrom;
    // 100 slots free over one hour; a read every 10 minutes takes at most one slot each.
    expect(reads - readsBefore).toBeLessThanOrEqual(8);
    expect(burstMs).toBeLessThanOrEqual(hourMs + 8 * 36_000);
    expect(pacer.callsInWindow()).toBeLessThanOrEqual(100);
  });

  it('counts unpaced calls (the threshold read) towards our window', () => {
    const pacer = new BudgetPacer(defaultBudgetPacerOptions, virtualClock());
    pacer.recordUnpacedCall();
    pacer.recordUnpacedCall();
    expect(pacer.callsInWindow()).toBe(2);
  });

  it('a failed reading is not retried until due', () => {
    const clock = virtualClock();
    const pacer = new BudgetPacer({ ...defaultBudgetPacerOptions, refreshEveryMs: 1_000 }, clock);
    expect(pacer.needsReading()).toBe(true);
    pacer.recordReadingFailed();
    expect(pacer.needsReading()).toBe(false);
    void clock.sleep(1_000, new AbortController().signal);
    expect(pacer.needsReading()).toBe(true);
  });
});

describe('EntityQueues', () => {
  it('never runs more than 3 per entity, entities independent, key case-insensitive', async () => {
    const queues = new EntityQueues(10);
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
    };
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => queues.run(i % 2 === 0 ? 'Contracts' : 'contracts', task)),
    );
    expect(peak).toBe(3);

    running = 0;
    peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => queues.run(i % 2 === 0 ? 'Contracts' : 'ContractServices', task)),
    );
    expect(peak).toBe(6);
  });
});
