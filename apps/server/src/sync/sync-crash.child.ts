/**
 * Test helper process for the crash test: runs ONE apply sync (or, given `undoOfRunId`, one undo of
 * that run) against a database and a sandbox, printing a line per settled write so the parent can
 * SIGKILL it at a random moment. Not used in production. Usage: node --import tsx sync-crash.child.ts '<json>'
 */
import { createDatabase } from '../db/database.js';
import { createAutotaskProvider } from '../integrations/autotask/index.js';
import type { SyncEnvironment } from './sync-environment.js';
import type { SyncProgressEvent } from './sync-progress.js';
import { executeSync } from './sync.executor.js';
import { executeUndo } from './undo.executor.js';

interface ChildArgs {
  database: { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };
  discoveryBaseUrl: string;
  credentials: { username: string; secret: string; integrationCode: string };
  connectorId: string;
  clockOffsetMs: number;
  leaseMs: number;
  undoOfRunId?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const database = createDatabase(args.database);
const provider = createAutotaskProvider({
  discoveryBaseUrl: args.discoveryBaseUrl,
  backoffBaseMs: 5,
  backoffMaxMs: 40,
  maxRetryAfterMs: 200,
});
let writes = 0;
process.stdout.write('started\n');
const env: SyncEnvironment = {
  db: database.db,
  clock: () => new Date(Date.now() + args.clockOffsetMs),
  openConnection: (connectorId) => Promise.resolve(provider.connect(args.credentials, { connectorId })),
};
const common = {
  trigger: 'cli' as const,
  tuning: { leaseMs: args.leaseMs, writeRetry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 } },
  onProgress: (event: SyncProgressEvent) => {
    if (event.counters.psaWrites > writes) {
      writes = event.counters.psaWrites;
      process.stdout.write(`write ${writes}\n`);
    }
  },
};
const summary = args.undoOfRunId
  ? await executeUndo(env, { ...common, originalRunId: args.undoOfRunId })
  : await executeSync(env, { ...common, connectorId: args.connectorId, mode: 'apply' });
process.stdout.write(`finished ${summary.status}\n`);
await provider.close();
await database.close();
