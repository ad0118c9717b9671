import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';

import { JobPayloadError, type JobCatalog, type JobDefinition } from './job-definition.js';
import type { JobFinishedListener, JobOutcome, JobQueue } from './job-queue.port.js';
import { JobReleasedError, JobStopRequested } from './job-retry.js';

/**
 * The behaviour every JobQueue adapter must show, run by `job-queue.int.test.ts` against LocalQueue
 * (both dialects) and pg-boss (PostgreSQL). Timings are lower bounds of semantics (a backoff must
 * wait), never performance.
 */
const def = <D extends JobDefinition>(d: D): D => d;
export const contractCatalog = {
  'test.echo': def({
    description: 'records its value',
    payload: Type.Object({ value: Type.Integer() }, { additionalProperties: false }),
    maxAttempts: 1,
    backoff: { initialMs: 1000, maxMs: 1000 },
    timeoutMs: 10_000,
  }),
  'test.singleton': def({
    description: 'one per key',
    payload: Type.Object({ key: Type.String() }, { additionalProperties: false }),
    maxAttempts: 1,
    backoff: { initialMs: 1000, maxMs: 1000 },
    timeoutMs: 10_000,
    singletonKey: (p: { key: string }) => p.key,
  }),
  'test.flaky': def({
    description: 'fails its first two runs',
    payload: Type.Object({ token: Type.String() }, { additionalProperties: false }),
    maxAttempts: 3,
    backoff: { initialMs: 1000, maxMs: 2000 },
    timeoutMs: 10_000,
  }),
  'test.doomed': def({
    description: 'always fails',
    payload: Type.Object({ token: Type.String() }, { additionalProperties: false }),
    maxAttempts: 2,
    backoff: { initialMs: 1000, maxMs: 1000 },
    timeoutMs: 10_000,
  }),
  'test.tick': def({
    description: 'enqueued by a cron',
    payload: Type.Object({ source: Type.String() }, { additionalProperties: false }),
    maxAttempts: 1,
    backoff: { initialMs: 1000, maxMs: 1000 },
    timeoutMs: 10_000,
  }),
} as const satisfies JobCatalog;
export type ContractCatalog = typeof contractCatalog;

export interface QueueHarness {
  /** A fresh queue on an empty job store. */
  create(onJobFinished?: JobFinishedListener): Promise<JobQueue<ContractCatalog>>;
  /** Another instance on the store of the last `create()`: a second worker, or an observer. */
  attach(): Promise<JobQueue<ContractCatalog>>;
  /** Adapter-specific checks that need the store itself (LocalQueue: lease expiry). */
  readonly extra?: (track: <Q extends JobQueue<ContractCatalog>>(queue: Q) => Q) => void;
}

export function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  label = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = async (): Promise<void> => {
      try {
        if (await predicate()) {
          resolve();
          return;
        }
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (Date.now() > deadline) reject(new Error(`timed out waiting for ${label}`));
      else setTimeout(() => void check(), 50);
    };
    void check();
  });
}

/** The id of an accepted job (fails the test on a null = deduplicated answer). */
export function jobId(id: string | null): string {
  if (id === null) throw new Error('expected the job to be accepted, got null (deduplicated)');
  return id;
}

const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

export function describeJobQueueContract(label: string, harness: QueueHarness): void {
  describe(`JobQueue contract: ${label}`, () => {
    const open: JobQueue<ContractCatalog>[] = [];
    const track = <Q extends JobQueue<ContractCatalog>>(queue: Q): Q => {
      open.push(queue);
      return queue;
    };
    const create = async (onJobFinished?: JobFinishedListener): Promise<JobQueue<ContractCatalog>> =>
      track(await harness.create(onJobFinished));
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.stop({ graceful: false, timeoutMs: 1000 })));
    });

    it('runs enqueued jobs and reports them completed', async () => {
      const queue = await create();
      const seen: number[] = [];
      await queue.work('test.echo', (job) => Promise.resolve(void seen.push(job.payload.value)), {
        concurrency: 2,
      });
      await queue.start();
      const ids = (await Promise.all([1, 2, 3].map((value) => queue.enqueue('test.echo', { value })))).map(
        jobId,
      );
      await waitFor(() => seen.length === 3, 15_000, 'three jobs');
      expect([...seen].sort()).toStrictEqual([1, 2, 3]);
      await waitFor(
        async () => (await queue.getJob(ids[0] ?? ''))?.state === 'completed',
        5000,
        'completed state',
      );
      const job = await queue.getJob(ids[0] ?? '');
      expect(job).toMatchObject({
        id: ids[0],
        name: 'test.echo',
        state: 'completed',
        attempts: 1,
        lastError: null,
      });
      expect(await queue.getJob('00000000-0000-7000-8000-000000000000')).toBeNull();
    });

    it('rejects a payload that fails the catalog schema, and unknown job names', async () => {
      const queue = await create();
      await expect(queue.enqueue('test.echo', { value: 'seven' } as never)).rejects.toBeInstanceOf(
        JobPayloadError,
      );
      await expect(queue.enqueue('test.echo', { value: 1, secret: 'x' } as never)).rejects.toBeInstanceOf(
        JobPayloadError,
      );
      await expect(queue.enqueue('test.nope' as never, {} as never)).rejects.toBeInstanceOf(JobPayloadError);
    });

    it('deduplicates by singleton key while a job is queued or running, not after', async () => {
      const queue = await create();
      const first = jobId(await queue.enqueue('test.singleton', { key: 'a' }));
      expect(await queue.enqueue('test.singleton', { key: 'a' })).toBeNull();
      const other = await queue.enqueue('test.singleton', { key: 'b' });
      expect(other).toEqual(expect.any(String));
      expect((await queue.findPending('test.singleton', 'a'))?.id).toBe(first);

      const release = deferred();
      const started: string[] = [];
      await queue.work(
        'test.singleton',
        async (job) => {
          started.push(job.payload.key);
          await release.promise;
        },
        { concurrency: 2 },
      );
      await queue.start();
      await waitFor(() => started.length === 2, 15_000, 'both keys running');
      expect((await queue.getJob(first))?.state).toBe('active');
      expect(await queue.enqueue('test.singleton', { key: 'a' })).toBeNull();
      expect((await queue.findPending('test.singleton', 'a'))?.id).toBe(first);
      release.resolve();
      await waitFor(
        async () => (await queue.getJob(first))?.state === 'completed',
        10_000,
        'first completed',
      );
      expect(await queue.findPending('test.singleton', 'a')).toBeNull();
      const again = await queue.enqueue('test.singleton', { key: 'a' });
      expect(again).toEqual(expect.any(String));
      expect(again).not.toBe(first);
    });

    it('retries a failing job with backoff and then completes it', async () => {
      const outcomes: JobOutcome[] = [];
      const queue = await create((event) => outcomes.push(event.outcome));
      const attempts: { attempt: number; at: number; isFinalAttempt: boolean }[] = [];
      await queue.work('test.flaky', async (job) => {
        attempts.push({ attempt: job.attempt, at: Date.now(), isFinalAttempt: job.isFinalAttempt });
        if (job.attempt < 3) throw new Error(`flaky boom ${job.attempt}`);
        return Promise.resolve();
      });
      await queue.start();
      const id = jobId(await queue.enqueue('test.flaky', { token: 't' }));
      await waitFor(() => attempts.length >= 1, 10_000, 'first attempt');
      await waitFor(async () => (await queue.getJob(id))?.state === 'retry', 5000, 'retry state');
      expect((await queue.getJob(id))?.lastError).toContain('flaky boom 1');
      await waitFor(
        async () => (await queue.getJob(id))?.state === 'completed',
        20_000,
        'completed after retries',
      );
      expect(attempts.map((a) => a.attempt)).toStrictEqual([1, 2, 3]);
      expect(attempts.map((a) => a.isFinalAttempt)).toStrictEqual([false, false, true]);
      // Backoff: the catalog's initial delay is 1 s, doubled for the second retry.
      const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(900);
      expect(third - second).toBeGreaterThanOrEqual(1800);
      expect(await queue.getJob(id)).toMatchObject({ state: 'completed', attempts: 3, maxAttempts: 3 });
      await waitFor(() => outcomes.length === 3, 5000, 'three outcomes');
      expect(outcomes).toStrictEqual(['retried', 'retried', 'completed']);
    });

    it('fails a job for good after its last attempt', async () => {
      const outcomes: JobOutcome[] = [];
      const queue = await create((event) => outcomes.push(event.outcome));
      let calls = 0;
      await queue.work('test.doomed', () => {
        calls += 1;
        return Promise.reject(new Error('doomed boom'));
      });
      await queue.start();
      const id = jobId(await queue.enqueue('test.doomed', { token: 'd' }));
      await waitFor(async () => (await queue.getJob(id))?.state === 'failed', 20_000, 'failed state');
      const job = await queue.getJob(id);
      expect(job).toMatchObject({ state: 'failed', attempts: 2, maxAttempts: 2 });
      expect(job?.lastError).toContain('doomed boom');
      expect(calls).toBe(2);
      await waitFor(() => outcomes.length === 2, 5000, 'two outcomes');
      expect(outcomes).toStrictEqual(['retried', 'failed']);
    });

    it('enqueues from a schedule tick (the cron only enqueues)', async () => {
      const queue = await create();
      const ticks: string[] = [];
      await queue.work('test.tick', (job) => Promise.resolve(void ticks.push(job.payload.source)));
      await queue.schedule('test.tick', '* * * * * *', { tz: 'Europe/Berlin', payload: { source: 'cron' } });
      await queue.start();
      await waitFor(() => ticks.length >= 1, 20_000, 'a scheduled job');
      expect(ticks[0]).toBe('cron');
      await expect(
        queue.schedule('test.tick', '* * * * *', { payload: { source: 1 } as never }),
      ).rejects.toBeInstanceOf(JobPayloadError);
    });

    it('graceful stop waits for the running job to finish', async () => {
      const queue = await create();
      const events: string[] = [];
      let isRunning = false;
      await queue.work('test.echo', async () => {
        isRunning = true;
        events.push('handler started');
        await new Promise((r) => setTimeout(r, 1200));
        events.push('handler finished');
      });
      await queue.start();
      const id = jobId(await queue.enqueue('test.echo', { value: 9 }));
      await waitFor(() => isRunning, 10_000, 'handler start');
      await queue.stop({ graceful: true, timeoutMs: 10_000 });
      events.push('stop returned');
      expect(events).toStrictEqual(['handler started', 'handler finished', 'stop returned']);
      const observer = track(await harness.attach());
      await waitFor(
        async () => (await observer.getJob(id))?.state === 'completed',
        5000,
        'completed after stop',
      );
    });

    it('an interrupting stop hands back a job stopped at a safe point, without spending an attempt', async () => {
      const queue = await create();
      let isRunning = false;
      await queue.work('test.flaky', async (job) => {
        isRunning = true;
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
        if (job.signal.reason instanceof JobStopRequested) throw new JobReleasedError();
      });
      await queue.start();
      const id = jobId(await queue.enqueue('test.flaky', { token: 'r' }));
      await waitFor(() => isRunning, 10_000, 'handler start');
      const stoppedAt = Date.now();
      await queue.stop({ graceful: true, interrupt: true, timeoutMs: 10_000 });
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
      // The next process runs it at once, as its first attempt.
      const next = track(await harness.attach());
      const attempts: number[] = [];
      await next.work('test.flaky', (job) => Promise.resolve(void attempts.push(job.attempt)));
      await next.start();
      await waitFor(async () => (await next.getJob(id))?.state === 'completed', 10_000, 'resumed job');
      expect(attempts).toStrictEqual([1]);
    });

    it('an interrupting stop completes a job whose handler finished anyway (never run twice)', async () => {
      const queue = await create();
      let runs = 0;
      await queue.work('test.echo', async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 500));
      });
      await queue.start();
      const id = jobId(await queue.enqueue('test.echo', { value: 3 }));
      await waitFor(() => runs === 1, 10_000, 'handler start');
      await queue.stop({ graceful: true, interrupt: true, timeoutMs: 10_000 });
      const observer = track(await harness.attach());
      await waitFor(async () => (await observer.getJob(id))?.state === 'completed', 5000, 'completed');
      expect(runs).toBe(1);
    });

    harness.extra?.(track);
  });
}
