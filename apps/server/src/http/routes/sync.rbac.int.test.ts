import { endpoints } from '@coro/contracts';

import { ensureChannelConnector, startRbacAutotask } from '../../../test/rbac-connector.js';
import {
  describeRbacMatrix,
  rbacCase,
  readRoute,
  writeRoute,
  type RbacCase,
} from '../../../test/rbac-matrix.js';
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

/** Params of a connector route, or of a run route with `runId`. */
const connectorParams = async (t: TestApp) => ({
  channelId: t.seed.channel.id,
  connectorId: (await ensureConnectorAndRun(t)).connectorId,
});
const runParams = async (t: TestApp) => {
  const { connectorId, runId } = await ensureConnectorAndRun(t);
  return { channelId: t.seed.channel.id, connectorId, runId };
};

const { sync } = endpoints;

const cases: RbacCase[] = [
  rbacCase(sync.settings, {
    name: 'sync settings',
    prepare: async (t) => ({ params: await connectorParams(t) }),
    expect: readRoute(200),
  }),
  rbacCase(sync.putSettings, {
    name: 'update sync settings',
    prepare: async (t) => ({
      params: await connectorParams(t),
      body: {
        policy: { ...defaultBillingPolicy, timeZone: 'Europe/Berlin' },
        isScheduleEnabled: true,
        scheduleTime: '05:30',
      },
    }),
    expect: writeRoute(200),
  }),
  rbacCase(sync.preview, {
    name: 'preview (dry run)',
    prepare: async (t) => ({ params: await connectorParams(t) }),
    expect: writeRoute(200),
  }),
  rbacCase(sync.runs, {
    name: 'run history',
    prepare: async (t) => ({ params: await connectorParams(t) }),
    expect: readRoute(200),
  }),
  rbacCase(sync.run, {
    name: 'run detail',
    prepare: async (t) => ({ params: await runParams(t) }),
    expect: readRoute(200),
  }),
  rbacCase(sync.exportCsv, {
    name: 'run CSV export',
    prepare: async (t) => ({ params: await runParams(t) }),
    expect: readRoute(200),
  }),
  rbacCase(sync.events, {
    name: 'run progress events',
    prepare: async (t) => ({ params: await runParams(t) }),
    expect: readRoute(200),
  }),
  rbacCase(sync.approve, {
    name: 'approve held lines',
    prepare: async (t) => ({ params: await runParams(t), body: { lineIds: [newId()] } }),
    expect: writeRoute(200),
  }),
  // The run is a preview: a permitted caller is refused with 409 (nothing to undo) after the role check.
  rbacCase(sync.undoPreview, {
    name: 'undo preview',
    prepare: async (t) => ({ params: await runParams(t), body: {} }),
    expect: writeRoute(409),
  }),
  rbacCase(sync.undo, {
    name: 'undo run',
    prepare: async (t) => ({ params: await runParams(t), body: {} }),
    expect: writeRoute(409),
  }),
];

describeRbacMatrix('sync', cases, { psaProviders: { autotask: provider } });
