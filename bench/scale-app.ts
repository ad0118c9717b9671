/**
 * What the console benches share: a channel of W workspaces over a connector with N cached
 * companies (the sandbox's `scale` names), the real app on that database with one signed-in MSP
 * admin, and the percentile they report. Not a bench itself (no `.bench.ts`).
 */
import { sql, type Kysely } from 'kysely';
import { pino, type DestinationStream } from 'pino';
import { tmpdir } from 'node:os';
import { CSRF_COOKIE, SESSION_COOKIE } from '@coro/contracts';
import { scaleCompanyName } from 'autotask-sandbox';
import { hashPassword } from '../apps/server/src/auth/password.js';
import { grantRole, insertUser } from '../apps/server/src/auth/user.repository.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { SecretBox } from '../apps/server/src/crypto/secret-box.js';
import type { Database } from '../apps/server/src/db/database.js';
import { newId } from '../apps/server/src/db/ids.js';
import type { DB } from '../apps/server/src/db/schema.js';
import { buildApp } from '../apps/server/src/http/app.js';
import type { AppInstance } from '../apps/server/src/http/routes/route-plugin.js';
import { upsertCompanies } from '../apps/server/src/lookups/lookup.repository.js';
import { loggerOptions } from '../apps/server/src/observability/logger.js';
import {
  seedChannel,
  seedConnectorRow,
  workspaceMappingRow,
} from '../apps/server/test/connector.fixtures.js';

/** The value at percentile p (0–100) of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * 'Bench MSP' with `workspaces` children named after the scale seed's companies and a connector
 * caching `companies` of them (every 50th inactive). With `isThirdMapped`, every third child is
 * mapped (to company ((start + k·3) mod N) + 1, as the benches always did); else none.
 */
export async function seedScaleChannel(
  db: Kysely<DB>,
  now: string,
  options: { workspaces: number; companies: number; isThirdMapped: boolean },
): Promise<{ channelId: string; connectorId: string }> {
  const { workspaces: W, companies: companyCount } = options;
  const channelId = (await seedChannel(db, 'Bench MSP')).channelId;
  const connectorId = await seedConnectorRow(db, channelId, { now });
  const companies = Array.from({ length: companyCount }, (_, i) => ({
    id: String(i + 1),
    name: scaleCompanyName(i),
    isActive: i % 50 !== 0,
    modifiedAt: now,
  }));
  await db.transaction().execute((trx) => upsertCompanies(trx, connectorId, companies, now));
  // Children in bulk (insertWorkspace one by one would dominate the run).
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < W; start += 500) {
      const rows = Array.from({ length: Math.min(500, W - start) }, (_, k) => ({
        id: newId(),
        kind: 'child' as const,
        parent_id: channelId,
        display_name: `${scaleCompanyName(start + k)} (${start + k})`,
        company_name: scaleCompanyName(start + k),
        status: 'Subscription',
        created_at: now,
        updated_at: now,
      }));
      await trx.insertInto('workspaces').values(rows).execute();
      const mapped = options.isThirdMapped ? rows.filter((_, k) => (start + k) % 3 === 0) : [];
      if (mapped.length === 0) continue;
      await trx
        .insertInto('workspace_mappings')
        .values(
          mapped.map((row, k) =>
            workspaceMappingRow({
              connectorId,
              workspaceId: row.id,
              psaCompanyId: String(((start + k * 3) % companyCount) + 1),
              now,
            }),
          ),
        )
        .execute();
    }
  });
  await sql`analyze`.execute(db);
  return { channelId, connectorId };
}

/**
 * The real app (no PSA; logs to /dev/null unless `logDestination`; serves the console when
 * `webDistDir`) and the cookie of an MSP admin of `channelId` (bench@example.test).
 */
export async function startScaleApp(
  database: Database,
  channelId: string,
  now: string,
  options: { webDistDir?: string; logDestination?: DestinationStream } = {},
): Promise<{ app: AppInstance; cookie: string }> {
  const config = {
    ...loadConfig({ MODE: 'test', LOG_LEVEL: 'info', DATA_DIR: tmpdir() }),
    webDistDir: '/nonexistent',
  };
  const app = await buildApp(
    {
      config,
      database,
      logger: pino(
        loggerOptions('info'),
        options.logDestination ?? pino.destination({ dest: '/dev/null', sync: true }),
      ),
      clock: () => new Date(),
      secretBox: new SecretBox(config.encryptionKeys),
      psaProviders: {},
    },
    { webDistDir: options.webDistDir ?? null },
  );
  await app.ready();
  const db = database.db;
  const user = await insertUser(
    db,
    {
      email: 'bench@example.test',
      displayName: 'Bench',
      passwordHash: await hashPassword('bench-password-1'),
    },
    now,
  );
  await grantRole(db, user.id, channelId, 'msp_admin', now);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'bench@example.test', password: 'bench-password-1' },
  });
  const cookies = login.cookies as { name: string; value: string }[];
  const cookie = `${SESSION_COOKIE}=${cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? ''}; ${CSRF_COOKIE}=${cookies.find((c) => c.name === CSRF_COOKIE)?.value ?? ''}`;
  return { app, cookie };
}
