import { ensureChannelConnector, startRbacAutotask } from '../../test/rbac-connector.js';
import { describeRbacMatrix, readRoute, type RbacCase } from '../../test/rbac-matrix.js';
import type { TestApp } from '../../test/test-app.js';

const { sandbox, provider } = await startRbacAutotask();

const url = async (t: TestApp, suffix: string): Promise<{ url: string }> => {
  const { id } = await ensureChannelConnector(t, sandbox);
  const month = t.clock().toISOString().slice(0, 7);
  return {
    url: `/api/workspaces/${t.seed.channel.id}/connectors/${id}/reconciliation${suffix}?month=${month}`,
  };
};

const cases: RbacCase[] = [
  {
    name: 'monthly reconciliation',
    method: 'GET',
    url: () => '',
    prepare: (t) => url(t, ''),
    expect: readRoute(200),
  },
  {
    name: 'monthly reconciliation CSV',
    method: 'GET',
    url: () => '',
    prepare: (t) => url(t, '.csv'),
    expect: readRoute(200),
  },
];

describeRbacMatrix('reconciliation', cases, { psaProviders: { autotask: provider } });
