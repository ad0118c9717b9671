import { endpoints } from '@coro/contracts';

import { callEndpoint } from '../../test/call-endpoint.js';
import {
  anyUserRoute,
  describeRbacMatrix,
  rbacCase,
  readRoute,
  writeRoute,
  type RbacCase,
} from '../../test/rbac-matrix.js';
import type { TestSeed } from '../../test/test-app.js';

const today = new Date().toISOString().slice(0, 10);
const onChannel = (s: TestSeed) => ({ channelId: s.channel.id });

/** Every route of the core API (auth, workspaces, catalog, usage, audit). */
const cases: RbacCase[] = [
  rbacCase(endpoints.auth.me, { name: 'me', expect: anyUserRoute() }),
  rbacCase(endpoints.catalog.services, { name: 'catalog', expect: anyUserRoute() }),
  rbacCase(endpoints.workspaces.listChildren, {
    name: 'list children',
    params: onChannel,
    expect: readRoute(),
  }),
  rbacCase(endpoints.workspaces.createChild, {
    name: 'create child',
    params: onChannel,
    body: () => ({ displayName: `New ${Math.random()}`, status: 'New' as const }),
    expect: writeRoute(201),
  }),
  rbacCase(endpoints.workspaces.get, {
    name: 'get channel',
    params: (s) => ({ id: s.channel.id }),
    expect: readRoute(),
  }),
  rbacCase(endpoints.workspaces.get, {
    name: 'get child A',
    params: (s) => ({ id: s.childA.id }),
    // The child-only viewer sees their own child workspace.
    expect: { ...readRoute(), child_viewer: 200 },
  }),
  rbacCase(endpoints.workspaces.get, {
    name: 'get nested channel (inherited role)',
    params: (s) => ({ id: s.nestedChannel.id }),
    expect: readRoute(),
  }),
  rbacCase(endpoints.workspaces.get, {
    name: 'get child B',
    params: (s) => ({ id: s.childB.id }),
    expect: readRoute(),
  }),
  rbacCase(endpoints.workspaces.update, {
    name: 'update child B',
    params: (s) => ({ id: s.childB.id }),
    body: () => ({ companyName: `Beta ${Math.random()}` }),
    expect: writeRoute(),
  }),
  rbacCase(endpoints.workspaces.update, {
    name: 'update child A',
    params: (s) => ({ id: s.childA.id }),
    body: () => ({ companyName: 'Alpha Company Ltd' }),
    expect: { ...writeRoute(), child_viewer: 403 },
  }),
  rbacCase(endpoints.workspaces.audit, { name: 'audit', params: onChannel, expect: readRoute() }),
  rbacCase(endpoints.usage.channelDay, {
    name: 'channel usage',
    params: onChannel,
    expect: readRoute(),
  }),
  rbacCase(endpoints.usage.series, {
    name: 'workspace usage series',
    params: (s) => ({ id: s.childB.id }),
    expect: readRoute(),
  }),
  rbacCase(endpoints.usage.ingest, {
    name: 'ingest usage',
    params: onChannel,
    body: (s) => ({
      records: [{ workspaceId: s.childA.id, serviceKey: 'edr', day: today, devices: 3, users: 2 }],
    }),
    expect: writeRoute(),
  }),
  rbacCase(endpoints.auth.listTokens, { name: 'list tokens', params: onChannel, expect: writeRoute() }),
  rbacCase(endpoints.auth.createToken, {
    name: 'create token',
    params: onChannel,
    body: () => ({ name: 'matrix', scope: 'usage:write' as const }),
    expect: writeRoute(201),
  }),
  rbacCase(endpoints.auth.revokeToken, {
    name: 'revoke token',
    prepare: async (t) => {
      const created = await callEndpoint(t.app, endpoints.auth.createToken, {
        params: { channelId: t.seed.channel.id },
        headers: await t.login('admin'),
        body: { name: 'to revoke', scope: 'usage:write' },
      });
      return { params: { channelId: t.seed.channel.id, tokenId: created.json().token.id } };
    },
    expect: writeRoute(),
  }),
  rbacCase(endpoints.auth.logout, { name: 'logout', isFreshSession: true, expect: anyUserRoute() }),
];

describeRbacMatrix('core routes', cases);
