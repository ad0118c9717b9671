/**
 * The measured run of the sync benches' children (Autotask and ConnectWise): one apply run of the
 * real executor on the bench's SQLite file, through the connection the child opens (which counts
 * the calls). Not a bench itself.
 */
import { createDatabase } from '../apps/server/src/db/database.js';
import type { PsaCallEvent, PsaConnection } from '../apps/server/src/psa/psa-provider.port.js';
import { executeSync } from '../apps/server/src/sync/sync.executor.js';

export async function runBatchedSync(
  dbFile: string,
  connectorId: string,
  connect: (connectorId: string, onCall: (event: PsaCallEvent) => void) => PsaConnection,
): Promise<{ status: string; adjusted: number; failed: number; lines: number }> {
  const database = createDatabase({ driver: 'sqlite', file: dbFile });
  const summary = await executeSync(
    {
      db: database.db,
      clock: () => new Date(),
      openConnection: (id, onCall) => Promise.resolve(connect(id, onCall)),
    },
    { connectorId, mode: 'apply', trigger: 'cli' },
  );
  await database.close();
  return {
    status: summary.status,
    adjusted: summary.counters.adjusted,
    failed: summary.counters.failed,
    lines: summary.counters.lines_total,
  };
}
