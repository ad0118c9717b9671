import { afterAll } from 'vitest';
import { startSandbox } from 'autotask-sandbox';

import { describeRbacMatrix, readRoute, writeRoute, type RbacCase } from '../../../test/rbac-matrix.js';
import type { TestApp } from '../../../test/test-app.js';
import { connectorSecretAad } from '../../connectors/connector.service.js';
import { newId } from '../../db/ids.js';
import { defaultBillingPolicy } from '../../domain/billing-policy.js';
import { createAutotaskProvider } from '../../integrations/autotask/index.js';
import { createSyncRunRepository } from '../../sync/sync-run.repository.js';

const sandbox = await startSandbox({ port: 0, seed: 'demo' });
const provider = createAutotaskProvider({
  discoveryBaseUrl: `${sandbox.url}/ATServicesRest/`,
  maxAttempts: 2,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
});
afterAll(async () => {
  await provider.close();
  await sandbox.close();
});

/** The channel's connector (connected, no mappings: syncs plan nothing) and one finished run. */
async function ensureConnectorAndRun(t: TestApp): Promise<{ connectorId: string; runId: string }> {
  const now = t.clock().toISOString();
  const existing = await t.db
    .selectFrom('psa_connectors')
    .select('id')
    .where('channel_id', '=', t.seed.channel.id)
    .executeTakeFirst();
  const connectorId = existing?.id ?? newId();
  if (!existing) {
    await t.db
      .insertInto('psa_connectors')
      .values({
        id: connectorId,
        channel_id: t.seed.channel.id,
        kind: 'autotask',
        status: 'connected',
        status_code: null,
        status_message: null,
        status_advice: null,
        username: sandbox.apiUser.username,
        secret_box: t.ctx.secretBox.sealJson(
          { secret: sandbox.apiUser.secret },
          connectorSecretAad(connectorId),
        ),
        integration_code: sandbox.apiUser.integrationCode,
        zone_name: null,
        tenant_id: null,
        last_verified_at: now,
        last_sync_at: null,
        next_sync_at: null,
        companies_refreshed_at: null,
        companies_watermark: null,
        services_refreshed_at: null,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const runs = createSyncRunRepository(t.db);
  const runId = newId();
  await runs.create({
    id: runId,
    connectorId,
    mode: 'dry-run',
    trigger: 'manual',
    status: 'succeeded',
    requestedBy: null,
    now,
  });
  return { connectorId, runId };
}

const base = (t: TestApp, connectorId: string): string =>
  `/api/workspaces/${t.seed.channel.id}/connectors/${connectorId}/sync`;

const cases: RbacCase[] = [
  {
    name: 'sync settings',
    method: 'GET',
    url: () => '',
    prepare: async (t) => ({ url: `${base(t, (await ensureConnectorAndRun(t)).connectorId)}/settings` }),
    expect: readRoute(200),
  },
  {
    name: 'update sync settings',
    method: 'PUT',
    url: () => '',
    prepare: async (t) => ({
      url: `${base(t, (await ensureConnectorAndRun(t)).connectorId)}/settings`,
      payload: {
        policy: { ...defaultBillingPolicy, timeZone: 'Europe/Berlin' },
        isScheduleEnabled: true,
        scheduleTime: '05:30',
      },
    }),
    expect: writeRoute(200),
  },
  {
    name: 'preview (dry run)',
    method: 'POST',
    url: () => '',
    prepare: async (t) => ({ url: `${base(t, (await ensureConnectorAndRun(t)).connectorId)}/preview` }),
    expect: writeRoute(200),
  },
  {
    name: 'run history',
    method: 'GET',
    url: () => '',
    prepare: async (t) => ({ url: `${base(t, (await ensureConnectorAndRun(t)).connectorId)}/runs` }),
    expect: readRoute(200),
  },
  {
    name: 'run detail',
    method: 'GET',
    url: () => '',
    prepare: async (t) => {
      const { connectorId, runId } = await ensureConnectorAndRun(t);
      return { url: `${base(t, connectorId)}/runs/${runId}` };
    },
    expect: readRoute(200),
  },
  {
    name: 'run CSV export',
    method: 'GET',
    url: () => '',
    prepare: async (t) => {
      const { connectorId, runId } = await ensureConnectorAndRun(t);
      return { url: `${base(t, connectorId)}/runs/${runId}/export.csv` };
    },
    expect: readRoute(200),
  },
  {
    name: 'run progress events',
    method: 'GET',
    url: () => '',
    prepare: async (t) => {
      const { connectorId, runId } = await ensureConnectorAndRun(t);
      return { url: `${base(t, connectorId)}/runs/${runId}/events` };
    },
    expect: readRoute(200),
  },
  {
    name: 'approve held lines',
    method: 'POST',
    url: () => '',
    prepare: async (t) => {
      const { connectorId, runId } = await ensureConnectorAndRun(t);
      return { url: `${base(t, connectorId)}/runs/${runId}/approve`, payload: { lineIds: [newId()] } };
    },
    expect: writeRoute(200),
  },
];

describeRbacMatrix('sync', cases, { psaProviders: { autotask: provider } });
