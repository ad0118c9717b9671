import { ensureChannelConnector, startRbacAutotask } from '../../../test/rbac-connector.js';
import { describeRbacMatrix, readRoute, writeRoute, type RbacCase } from '../../../test/rbac-matrix.js';
import type { TestApp } from '../../../test/test-app.js';

const { sandbox, provider } = await startRbacAutotask();

const url = async (t: TestApp): Promise<string> =>
  `/api/workspaces/${t.seed.channel.id}/connectors/${(await ensureChannelConnector(t, sandbox)).id}/notifications`;

const cases: RbacCase[] = [
  {
    name: 'notification settings',
    method: 'GET',
    url: () => '',
    prepare: async (t) => ({ url: await url(t) }),
    expect: readRoute(200),
  },
  {
    name: 'update notification settings',
    method: 'PUT',
    url: () => '',
    prepare: async (t) => ({
      url: await url(t),
      payload: { isEmailEnabled: false, emailRecipients: ['ops@msp.example'], webhookUrl: null },
    }),
    expect: writeRoute(200),
  },
  {
    // Nothing configured in the matrix: allowed roles get the 409 that says so, others 403.
    name: 'send a test notification',
    method: 'POST',
    url: () => '',
    prepare: async (t) => ({ url: `${await url(t)}/test`, payload: {} }),
    expect: writeRoute(409),
  },
];

describeRbacMatrix('notifications', cases, { psaProviders: { autotask: provider } });
