import type { Logger } from 'pino';

import type { AppConfig } from '../config/config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import type { AppJobQueue } from '../jobs/job-catalog.js';
import type { PsaKind, PsaProvider } from '../psa/psa-provider.port.js';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/**
 * Everything a request handler may use, built once by the composition root (`main.ts`) or by
 * `test/test-app.ts`. Handlers reach it as `request.server.ctx` (decorated by `buildApp`), so
 * nothing imports a global.
 */
export interface AppContext {
  readonly config: AppConfig;
  readonly database: Database;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly secretBox: SecretBox;
  /** Partial until every PSA kind has an adapter; look up with `ctx.psaProviders[kind]`. */
  readonly psaProviders: Partial<Record<PsaKind, PsaProvider>>;
  /** The job queue; absent in tests that run without one. */
  readonly jobs?: AppJobQueue | undefined;
}
