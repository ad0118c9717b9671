import type { ConnectorTables } from './tables/connector.tables.js';
import type { CoreTables } from './tables/core.tables.js';
import type { MemberTables } from './tables/members.tables.js';
import type { SyncTables } from './tables/sync.tables.js';

/**
 * The typed source of truth for the database, hand-written. Conventions (portable across SQLite
 * and PostgreSQL): ids are app-generated UUIDv7 text, timestamps ISO-8601 UTC text, flags 0/1
 * integers, JSON as text.
 */
export interface DB extends CoreTables, ConnectorTables, SyncTables, MemberTables {}
