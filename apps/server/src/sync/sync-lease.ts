/**
 * The connector's lease: one apply (run or approval) at a time; a crashed holder's lease expires.
 */
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { acquireSyncLock, releaseSyncLock, renewSyncLock } from './sync-lock.repository.js';
import { RunAborted, type SyncEnvironment, type SyncTuning } from './sync-environment.js';

/** Keeps the connector's lease alive while a run (or an approval) works. */
export async function withLease<T>(
  db: Kysely<DB>,
  env: SyncEnvironment,
  connectorId: string,
  holder: string,
  tuning: SyncTuning,
  work: (isLost: () => boolean) => Promise<T>,
): Promise<T> {
  const expiry = (): string => new Date(env.clock().getTime() + tuning.leaseMs).toISOString();
  const waitUntil = Date.now() + tuning.lockWaitMs;
  for (;;) {
    if (await acquireSyncLock(db, connectorId, holder, env.clock().toISOString(), expiry())) break;
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
      renewSyncLock(db, connectorId, holder, expiry()).then(
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
    await releaseSyncLock(db, connectorId, holder).catch(() => undefined);
  }
}
