import { describeRbacMatrix, readRoute } from '../../test/rbac-matrix.js';

describeRbacMatrix('usage members drill-down', [
  {
    name: 'line members of a channel child',
    method: 'GET',
    url: (s) => `/api/workspaces/${s.childB.id}/usage/members?serviceKey=edr&day=2026-11-01`,
    expect: readRoute(200),
  },
  {
    name: 'line members of the child a child viewer sees',
    method: 'GET',
    url: (s) => `/api/workspaces/${s.childA.id}/usage/members?serviceKey=edr&day=2026-11-01`,
    expect: { ...readRoute(200), child_viewer: 200 },
  },
]);
