import {
  anyUserRoute,
  describeRbacMatrix,
  readRoute,
  writeRoute,
  type RbacCase,
} from '../../test/rbac-matrix.js';

const today = new Date().toISOString().slice(0, 10);

/** Every route of the core API (auth, workspaces, catalog, usage, audit). */
const cases: RbacCase[] = [
  { name: 'me', method: 'GET', url: () => '/api/auth/me', expect: anyUserRoute() },
  { name: 'catalog', method: 'GET', url: () => '/api/catalog/services', expect: anyUserRoute() },
  {
    name: 'list children',
    method: 'GET',
    url: (s) => `/api/workspaces/${s.channel.id}/children`,
    expect: readRoute(),
  },
  {
    name: 'create child',
    method: 'POST',
    url: (s) => `/api/workspaces/${s.channel.id}/children`,
    payload: () => ({ displayName: `New ${Math.random()}`, status: 'New' }),
    expect: writeRoute(201),
  },
  { name: 'get channel', method: 'GET', url: (s) => `/api/workspaces/${s.channel.id}`, expect: readRoute() },
  {
    name: 'get child A',
    method: 'GET',
    url: (s) => `/api/workspaces/${s.childA.id}`,
    // The child-only viewer sees their own child workspace.
    expect: { ...readRoute(), child_viewer: 200 },
  },
  {
    name: 'get nested channel (inherited role)',
    method: 'GET',
    url: (s) => `/api/workspaces/${s.nestedChannel.id}`,
    expect: readRoute(),
  },
  { name: 'get child B', method: 'GET', url: (s) => `/api/workspaces/${s.childB.id}`, expect: readRoute() },
  {
    name: 'update child B',
    method: 'PATCH',
    url: (s) => `/api/workspaces/${s.childB.id}`,
    payload: () => ({ companyName: `Beta ${Math.random()}` }),
    expect: writeRoute(),
  },
  {
    name: 'update child A',
    method: 'PATCH',
    url: (s) => `/api/workspaces/${s.childA.id}`,
    payload: () => ({ companyName: 'Alpha Company Ltd' }),
    expect: { ...writeRoute(), child_viewer: 403 },
  },
  { name: 'audit', method: 'GET', url: (s) => `/api/workspaces/${s.channel.id}/audit`, expect: readRoute() },
  {
    name: 'channel usage',
    method: 'GET',
    url: (s) => `/api/channels/${s.channel.id}/usage`,
    expect: readRoute(),
  },
  {
    name: 'workspace usage series',
    method: 'GET',
    url: (s) => `/api/workspaces/${s.childB.id}/usage`,
    expect: readRoute(),
  },
  {
    name: 'ingest usage',
    method: 'PUT',
    url: (s) => `/api/channels/${s.channel.id}/usage`,
    payload: (s) => ({
      records: [{ workspaceId: s.childA.id, serviceKey: 'edr', day: today, devices: 3, users: 2 }],
    }),
    expect: writeRoute(),
  },
  {
    name: 'list tokens',
    method: 'GET',
    url: (s) => `/api/channels/${s.channel.id}/tokens`,
    expect: writeRoute(),
  },
  {
    name: 'create token',
    method: 'POST',
    url: (s) => `/api/channels/${s.channel.id}/tokens`,
    payload: () => ({ name: 'matrix', scope: 'usage:write' }),
    expect: writeRoute(201),
  },
  {
    name: 'revoke token',
    method: 'DELETE',
    url: () => '',
    prepare: async (t) => {
      const created = await t.app.inject({
        method: 'POST',
        url: `/api/channels/${t.seed.channel.id}/tokens`,
        headers: await t.login('admin'),
        payload: { name: 'to revoke', scope: 'usage:write' },
      });
      return {
        url: `/api/channels/${t.seed.channel.id}/tokens/${created.json<{ token: { id: string } }>().token.id}`,
      };
    },
    expect: writeRoute(),
  },
  {
    name: 'logout',
    method: 'POST',
    url: () => '/api/auth/logout',
    isFreshSession: true,
    expect: anyUserRoute(),
  },
];

describeRbacMatrix('core routes', cases);
