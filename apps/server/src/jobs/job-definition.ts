import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';

import type { BackoffPolicy } from './job-retry.js';

/**
 * One entry per job: what it carries, how it retries, how long it may run and what makes two of
 * them "the same". Queues read everything from here; call sites only name the job.
 *
 * Payloads carry ids only. Secrets are looked up by the handler through the connector id, so a
 * job row (ours or pg-boss's) never holds anything worth stealing; `job-catalog.unit.test.ts`
 * walks every schema to keep it that way. Keep a renamed job's old entry until its in-flight jobs
 * have drained, or they fail as unknown.
 */
export interface JobDefinition<S extends TSchema = TSchema> {
  readonly description: string;
  readonly payload: S;
  /** Runs in total, the first included: 3 means two retries. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** The handler's signal aborts after this; the job then fails (and may retry). */
  readonly timeoutMs: number;
  /**
   * Jobs with equal keys (per job name) never run or wait twice at once: enqueue returns null
   * while one is queued or active. Method syntax on purpose, so entries stay assignable to the
   * catalog's index type.
   */
  singletonKey?(payload: Static<S>): string;
  /** A cron that only enqueues this job (registered by `startJobs`). */
  readonly cron?: { readonly pattern: string; readonly tz: string; readonly payload: Static<S> };
}

export type JobCatalog = Readonly<Record<string, JobDefinition>>;

export const defineJob = <S extends TSchema>(definition: JobDefinition<S>): JobDefinition<S> => definition;

/** Thrown by `enqueue` for a payload that fails the catalog schema: a bug at the call site. */
export class JobPayloadError extends Error {
  constructor(
    readonly jobName: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid payload for job ${jobName}: ${problems.join('; ')}`);
    this.name = 'JobPayloadError';
  }
}

/**
 * What both adapters do before inserting: schema check, then the singleton key (explicit option
 * first, then the catalog's). Throws `JobPayloadError` for an unknown job or a bad payload.
 */
export function prepareJob(
  catalog: JobCatalog,
  name: string,
  payload: unknown,
  singletonKeyOverride?: string,
): { definition: JobDefinition; singletonKey: string | null } {
  const definition = catalog[name];
  if (!definition) throw new JobPayloadError(name, ['unknown job name']);
  if (!Value.Check(definition.payload, payload)) {
    const problems = Value.Errors(definition.payload, payload).map(
      (e) => `${e.instancePath || '/'} ${e.message}`,
    );
    throw new JobPayloadError(name, problems.length > 0 ? problems : ['does not match the schema']);
  }
  const singletonKey = singletonKeyOverride ?? definition.singletonKey?.(payload) ?? null;
  return { definition, singletonKey };
}

export function definitionOf(catalog: JobCatalog, name: string): JobDefinition {
  const definition = catalog[name];
  if (!definition) throw new JobPayloadError(name, ['unknown job name']);
  return definition;
}
