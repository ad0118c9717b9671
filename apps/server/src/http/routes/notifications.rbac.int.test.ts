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

const { sandbox, provider } = await startRbacAutotask();

const params = async (t: TestApp) => ({
  channelId: t.seed.channel.id,
  connectorId: (await ensureChannelConnector(t, sandbox)).id,
});

const cases: RbacCase[] = [
  rbacCase(endpoints.notifications.get, {
    name: 'notification settings',
    prepare: async (t) => ({ params: await params(t) }),
    expect: readRoute(200),
  }),
  rbacCase(endpoints.notifications.put, {
    name: 'update notification settings',
    prepare: async (t) => ({
      params: await params(t),
      body: { isEmailEnabled: false, emailRecipients: ['ops@msp.example'], webhookUrl: null },
    }),
    expect: writeRoute(200),
  }),
  // Nothing configured in the matrix: allowed roles get the 409 that says so, others 403.
  rbacCase(endpoints.notifications.test, {
    name: 'send a test notification',
    prepare: async (t) => ({ params: await params(t), body: {} }),
    expect: writeRoute(409),
  }),
];

describeRbacMatrix('notifications', cases, { psaProviders: { autotask: provider } });
