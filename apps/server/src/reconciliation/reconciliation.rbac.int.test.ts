import { endpoints } from '@coro/contracts';

import { ensureChannelConnector, startRbacAutotask } from '../../test/rbac-connector.js';
import { describeRbacMatrix, rbacCase, readRoute, type RbacCase } from '../../test/rbac-matrix.js';
import type { TestApp } from '../../test/test-app.js';

const { sandbox, provider } = await startRbacAutotask();

const input = async (t: TestApp) => {
  const { id } = await ensureChannelConnector(t, sandbox);
  return {
    params: { channelId: t.seed.channel.id, connectorId: id },
    query: { month: t.clock().toISOString().slice(0, 7) },
  };
};

const cases: RbacCase[] = [
  rbacCase(endpoints.reconciliation.get, {
    name: 'monthly reconciliation',
    prepare: input,
    expect: readRoute(200),
  }),
  rbacCase(endpoints.reconciliation.csv, {
    name: 'monthly reconciliation CSV',
    prepare: input,
    expect: readRoute(200),
  }),
];

describeRbacMatrix('reconciliation', cases, { psaProviders: { autotask: provider } });
