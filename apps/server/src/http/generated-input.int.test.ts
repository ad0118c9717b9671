/**
 * Generated-input test: every operation of the OpenAPI document × wrong types, missing and extra
 * fields, huge and odd strings, bad ids, malformed JSON, wrong content types, as every role.
 * Asserts: never a 5xx; every 4xx carries `{ error: { code, message } }`; no secret in any body;
 * a refused unsafe request changed nothing; the server is healthy afterwards.
 *
 * Default: FUZZ_CASES=1500 per dialect, FUZZ_SEED=20261203. Soak: see AGENTS.md
 * (`FUZZ_CASES=10000 FUZZ_SEED=7 npx vitest run --project int-sqlite <this file>`).
 * A failure names its case index and seed, so it replays exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';

import { createConnectWiseProvider } from '../integrations/connectwise/index.js';
import { createTestApp, TEST_PASSWORD, testRoles, type TestApp } from '../../test/test-app.js';
import { ensureChannelConnector, startRbacAutotask } from '../../test/rbac-connector.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { generateCases, type OpenApiDocument, type PlannedCase } from '../../test/fuzz/openapi-cases.js';

const caseCount = Number(process.env.FUZZ_CASES ?? 1500);
const seed = Number(process.env.FUZZ_SEED ?? 20_261_203);
const { sandbox, provider } = await startRbacAutotask();

/** Tables a refused request must leave untouched (login counters and sessions move on purpose). */
const watchedTables = [
  'workspaces',
  'memberships',
  'psa_connectors',
  'workspace_mappings',
  'service_mappings',
  'machine_tokens',
  'usage_daily',
  'usage_revisions',
  'sync_settings',
  'notification_settings',
  'audit_events',
] as const;

describe.skipIf(isDatabaseUnavailable())(
  `generated input over the OpenAPI document (${testDialect()})`,
  () => {
    let t: TestApp;
    let doc: OpenApiDocument;
    let connectorId = '';
    let tables: string[] = [];

    beforeAll(async () => {
      // Both PSA kinds are configured, as in production: a generated `connectwise` body must get a 4xx.
      t = await createTestApp({
        psaProviders: { autotask: provider, connectwise: createConnectWiseProvider() },
      });
      connectorId = (await ensureChannelConnector(t, sandbox)).id;
      const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
      doc = response.json();
      const existing = await t.db.introspection.getTables();
      tables = watchedTables.filter((name) => existing.some((table) => table.name === name));
    });
    afterAll(() => t.close());

    async function fingerprint(): Promise<string> {
      const hash = createHash('sha256');
      for (const table of tables) {
        const rows = await sql`select * from ${sql.table(table)}`.execute(t.db);
        const lines = rows.rows.map((row) => JSON.stringify(row)).sort();
        hash.update(`${table}:${lines.join('\n')}`);
      }
      return hash.digest('hex');
    }

    it(
      `answers ${caseCount} generated requests (seed ${seed}) without a 5xx, leak or side effect`,
      async () => {
        const secrets = [
          sandbox.apiUser.secret,
          sandbox.apiUser.integrationCode,
          TEST_PASSWORD,
          'scrypt$',
          ...t.ctx.config.encryptionKeys.map((k) => k.key.toString('base64')),
        ];
        const pathValues = (name: string): readonly string[] => {
          const s = t.seed;
          switch (name) {
            case 'channelId':
              return [
                s.channel.id,
                s.channel.id,
                s.channel.id,
                s.otherChannel.id,
                s.nestedChannel.id,
                s.childA.id,
              ];
            case 'connectorId':
              return [connectorId, connectorId, connectorId, crypto.randomUUID()];
            case 'workspaceId':
            case 'id':
              return [s.childA.id, s.childB.id, s.nestedChild.id, s.otherChild.id, s.channel.id];
            case 'serviceKey':
              return ['devices', 'users', 'unknown_service'];
            default:
              return [crypto.randomUUID()];
          }
        };
        // Weighted towards the roles that pass the permission checks and reach the handlers.
        const roles = [...testRoles, 'admin', 'admin', 'super_admin', 'super_admin', 'viewer'];
        const cases = generateCases(doc, { seed, count: caseCount, pathValues, roles });
        const failures: string[] = [];
        const counts = new Map<number, number>();
        for (const planned of cases) {
          const problem = await runCase(planned, secrets);
          if (problem !== null) failures.push(problem);
          if (failures.length >= 20) break;
        }
        const health = await t.app.inject({ method: 'GET', url: '/readyz' });
        expect(health.statusCode).toBe(200);
        expect(failures).toEqual([]);
        // The run exercised refusals and successes alike, or it proved nothing.
        const statuses = [...counts.keys()];
        expect(statuses.some((s) => s < 300)).toBe(true);
        expect(statuses.filter((s) => s >= 400).length).toBeGreaterThan(4);
        if (process.env.FUZZ_REPORT === '1')
          console.info(`statuses: ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);

        async function runCase(planned: PlannedCase, leaks: readonly string[]): Promise<string | null> {
          const auth = await t.login(planned.role as (typeof testRoles)[number]);
          const isUnsafe = planned.method !== 'GET';
          const before = isUnsafe ? await fingerprint() : '';
          const response = await t.app.inject({
            method: planned.method as 'GET',
            url: planned.url,
            headers: {
              ...auth,
              ...(planned.contentType === null ? {} : { 'content-type': planned.contentType }),
            },
            ...(planned.payload === undefined ? {} : { payload: planned.payload }),
            remoteAddress: `10.${planned.index % 250}.1.1`,
          });
          const status = response.statusCode;
          counts.set(status, (counts.get(status) ?? 0) + 1);
          const label = `#${planned.index} seed ${seed} ${planned.role} ${planned.kind} ${planned.method} ${planned.url.slice(0, 160)} → ${status}`;
          if (status >= 500) return `${label}: ${response.body.slice(0, 300)}`;
          const leaked = leaks.find((secret) => response.body.includes(secret));
          if (leaked !== undefined) return `${label}: body leaks a secret`;
          if (status >= 400) {
            let body: { error?: { code?: unknown; message?: unknown } };
            try {
              body = response.json();
            } catch {
              return `${label}: error body is not JSON`;
            }
            if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string')
              return `${label}: error body lacks code and message`;
            if (isUnsafe && (await fingerprint()) !== before) return `${label}: refused but changed data`;
          }
          await restoreAfter(planned, status, response.body);
          return null;
        }
        // ~4 ms a case on SQLite, more on PostgreSQL (fingerprints), on a shared 2-core machine.
      },
      60_000 + caseCount * 40,
    );

    /** Keep the fixtures usable: a successful logout or connector delete would blind later cases. */
    async function restoreAfter(planned: PlannedCase, status: number, body: string): Promise<void> {
      if (status >= 300) return;
      // Without a queue "Sync now" runs in the background: let it finish, or its writes would be
      // blamed on the next refused request.
      if (planned.operation.endsWith('/sync/runs') && planned.method === 'POST') {
        const { runId } = JSON.parse(body) as { runId: string };
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          const run = await t.db
            .selectFrom('sync_runs')
            .select('finished_at')
            .where('id', '=', runId)
            .executeTakeFirst();
          if (run?.finished_at) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      if (planned.operation === 'POST /api/auth/logout')
        await t.login(planned.role as (typeof testRoles)[number], { fresh: true });
      if (
        planned.operation.startsWith('DELETE /api/workspaces/{channelId}/connectors/{connectorId}') ||
        planned.operation.endsWith('/disconnect')
      )
        connectorId = (await ensureChannelConnector(t, sandbox)).id;
    }
  },
);
