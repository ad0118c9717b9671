import type { DialectMigration } from '../migration.js';
import * as m0001 from './202611270001_core.js';
import * as m0002 from './202611270002_connectors.js';
import * as m0003 from './202611270003_sync.js';
import * as m0004 from './202611270004_sync_wait.js';
import * as m0100 from './202612030100_psa_error_code.js';
import * as m0160 from './202612030160_sync_run_resumed.js';
import * as m0190 from './202612030190_usage_members.js';
import * as m0180 from './202612030180_workspace_name_order.js';
import * as m0200 from './202612030200_reviewed_writes.js';
import * as m0300 from './202612030300_sync_undo.js';
import * as m0350 from './202612030350_mapping_batches.js';
import * as m0520 from './202612030520_user_password_change.js';
import * as m040100 from './202612040100_company_search_order.js';
import * as m040700 from './202612040700_channel_list_order.js';

// Static barrel (no filesystem scan): order is the key order, names never change once released.
export const migrations: Record<string, DialectMigration> = {
  '202611270001_core': m0001,
  '202611270002_connectors': m0002,
  '202611270003_sync': m0003,
  '202611270004_sync_wait': m0004,
  '202612030100_psa_error_code': m0100,
  '202612030160_sync_run_resumed': m0160,
  '202612030180_workspace_name_order': m0180,
  '202612030190_usage_members': m0190,
  '202612030200_reviewed_writes': m0200,
  '202612030300_sync_undo': m0300,
  '202612030350_mapping_batches': m0350,
  '202612030520_user_password_change': m0520,
  '202612040100_company_search_order': m040100,
  '202612040700_channel_list_order': m040700,
};
