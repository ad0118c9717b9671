import { endpoints } from '@coro/contracts';

import { describeRbacMatrix, rbacCase, readRoute } from '../../test/rbac-matrix.js';

const query = () => ({ serviceKey: 'edr', day: '2026-11-01' });

describeRbacMatrix('usage members drill-down', [
  rbacCase(endpoints.usage.members, {
    name: 'line members of a channel child',
    params: (s) => ({ id: s.childB.id }),
    query,
    expect: readRoute(200),
  }),
  rbacCase(endpoints.usage.members, {
    name: 'line members of the child a child viewer sees',
    params: (s) => ({ id: s.childA.id }),
    query,
    expect: { ...readRoute(200), child_viewer: 200 },
  }),
]);
