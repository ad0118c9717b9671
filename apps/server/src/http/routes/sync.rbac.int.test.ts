import { ensureChannelConnector, startRbacAutotask } from '../../../test/rbac-connector.js';
import { describeRbacMatrix, readRoute, writeRoute, type RbacCase } from '../../../test/rbac-matrix.js';
import type { TestApp } from '../../../test/test-app.js';
import { newId } from '../../db/ids.js';
import { defaultBillingPolicy } from '../../domain/billing-policy.js';
import { createSyncRun } from '../../sync/sync-run.repository.js';

const { sandbox, provider } = await startRbacAutotask();

/** The channel's connector (connected, no mappings: syncs plan nothing) and one finished run. */
async function ensureConnectorAndRun(t: TestApp): Promise<{ connectorId: string; runId: string }> {
  const now = t.clock().toISOString();
  const { id: connectorId } = await ensureChannelConnector(t, sandbox);
  const runId = newId();
  await createSyncRun(t.db, {
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
  // The run is a preview: a permitted caller is refused with 409 (nothing to undo) after the role check.
  {
    name: 'undo preview',
    method: 'POST',
    url: () => '',
    prepare: async (t) => {
      const { connectorId, runId } = await ensureConnectorAndRun(t);
      return { url: `${base(t, connectorId)}/runs/${runId}/undo-preview`, payload: {} };
    },
    expect: writeRoute(409),
  },
  {
    name: 'undo run',
    method: 'POST',
    url: () => '',
    prepare: async (t) => {
      const { connectorId, runId } = await ensureConnectorAndRun(t);
      return { url: `${base(t, connectorId)}/runs/${runId}/undo`, payload: {} };
    },
    expect: writeRoute(409),
  },
];

describeRbacMatrix('sync', cases, { psaProviders: { autotask: provider } });
