import type { DialectMigration } from '../migrator.js';
import * as m0001 from './202611270001_core.js';
import * as m0002 from './202611270002_connectors.js';
import * as m0003 from './202611270003_sync.js';
import * as m0004 from './202611270004_sync_wait.js';
import * as m0100 from './202612030100_psa_error_code.js';

// Static barrel (no filesystem scan): order is the key order, names never change once released.
export const migrations: Record<string, DialectMigration> = {
  '202611270001_core': m0001,
  '202611270002_connectors': m0002,
  '202611270003_sync': m0003,
  '202611270004_sync_wait': m0004,
  '202612030100_psa_error_code': m0100,
};
