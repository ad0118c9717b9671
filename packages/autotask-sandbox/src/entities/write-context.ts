import type { Database } from '../store/database.js';

export interface WriteContext {
  db: Database;
  timeZone: string;
  nowMs: number;
  /** The resource the write is attributed to: the impersonated one, else the API user's own. */
  actingResourceId: number;
  /** The API user's own resource when it impersonates someone, else null. */
  impersonatorResourceId: number | null;
}
