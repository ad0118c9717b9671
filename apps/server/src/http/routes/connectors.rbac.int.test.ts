import {
  endpoints,
  type ConnectorParams,
  type EndpointInput,
  type EndpointSpec,
  type WorkspaceMappingParams,
} from '@coro/contracts';

import { workspaceMappingRow } from '../../../test/connector.fixtures.js';
import { ensureChannelConnector, startRbacAutotask } from '../../../test/rbac-connector.js';
import {
  adminRoute,
  describeRbacMatrix,
  rbacCase,
  readRoute,
  writeRoute,
  type Expectation,
  type RbacCase,
} from '../../../test/rbac-matrix.js';
import type { TestApp } from '../../../test/test-app.js';
import { newId } from '../../db/ids.js';
import { upsertCompanies, upsertServices } from '../../lookups/lookup.repository.js';

const { sandbox, provider } = await startRbacAutotask();

/** The channel's connector in a usable state (created, connected, lookups cached), whatever an earlier case did. */
async function ensureConnector(t: TestApp): Promise<string> {
  const now = t.clock().toISOString();
  const { id, isNew } = await ensureChannelConnector(t, sandbox);
  if (!isNew) {
    await t.db.updateTable('psa_connectors').set({ status: 'connected' }).where('id', '=', id).execute();
  }
  await upsertCompanies(
    t.db,
    id,
    [{ id: '9001', name: 'Alpha Company', isActive: true, modifiedAt: null }],
    now,
  );
  await upsertServices(
    t.db,
    id,
    [{ id: '9101', name: 'Coro EDR', description: null, isActive: true, unitPrice: null, modifiedAt: null }],
    now,
  );
  return id;
}

async function ensureWorkspaceMapping(t: TestApp, connectorId: string): Promise<void> {
  const now = t.clock().toISOString();
  await t.db
    .insertInto('workspace_mappings')
    .values(workspaceMappingRow({ connectorId, workspaceId: t.seed.childA.id, psaCompanyId: '9001', now }))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function ensureServiceMapping(t: TestApp, connectorId: string): Promise<void> {
  const now = t.clock().toISOString();
  await t.db
    .insertInto('service_mappings')
    .values({
      id: newId(),
      connector_id: connectorId,
      service_key: 'edr',
      psa_service_id: '9101',
      billing_basis: 'devices',
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The seed channel's connector, ready for the row (`before` adds what the row needs). */
async function connectorParams(
  t: TestApp,
  before?: (t: TestApp, connectorId: string) => Promise<void>,
): Promise<{ channelId: string; connectorId: string }> {
  const connectorId = await ensureConnector(t);
  await before?.(t, connectorId);
  return { channelId: t.seed.channel.id, connectorId };
}

/** A row on an existing connector, its params filled in per call. */
const onConnector = <E extends EndpointSpec & { params: typeof ConnectorParams }>(
  name: string,
  endpoint: E,
  expected: Expectation,
  options: {
    query?: EndpointInput<E>['query'];
    body?: (t: TestApp) => EndpointInput<E>['body'];
    before?: (t: TestApp, connectorId: string) => Promise<void>;
  } = {},
): RbacCase =>
  rbacCase(endpoint, {
    name,
    expect: expected,
    prepare: async (t) => {
      const body = options.body?.(t);
      return {
        params: await connectorParams(t, options.before),
        ...(options.query === undefined ? {} : { query: options.query }),
        ...(body === undefined ? {} : { body }),
      } as EndpointInput<E>;
    },
  });

/** A row on a mapping of child A on the connector (`workspaceId` in its params). */
const onChildAMapping = <E extends EndpointSpec & { params: typeof WorkspaceMappingParams }>(
  name: string,
  endpoint: E,
  expected: Expectation,
  options: { body?: EndpointInput<E>['body']; isMapped?: boolean } = {},
): RbacCase =>
  rbacCase(endpoint, {
    name,
    expect: expected,
    prepare: async (t) =>
      ({
        params: {
          ...(await connectorParams(t, options.isMapped === true ? ensureWorkspaceMapping : undefined)),
          workspaceId: t.seed.childA.id,
        },
        ...(options.body === undefined ? {} : { body: options.body }),
      }) as EndpointInput<E>,
  });

const { connectors, lookups, mappings } = endpoints;

describeRbacMatrix(
  'connectors, lookups and mappings',
  [
    rbacCase(connectors.list, {
      name: 'list connectors',
      params: (s) => ({ channelId: s.channel.id }),
      expect: readRoute(200),
    }),
    rbacCase(connectors.create, {
      name: 'create connector',
      expect: writeRoute(201),
      prepare: async (t) => {
        // Each allowed role creates it afresh: one Autotask connector per channel.
        await t.db.deleteFrom('psa_connectors').where('channel_id', '=', t.seed.channel.id).execute();
        return {
          params: { channelId: t.seed.channel.id },
          body: {
            kind: 'autotask' as const,
            username: sandbox.apiUser.username,
            secret: sandbox.apiUser.secret,
            integrationCode: sandbox.apiUser.integrationCode,
          },
        };
      },
    }),
    onConnector('read connector', connectors.get, readRoute(200)),
    onConnector('update credentials', connectors.updateCredentials, writeRoute(200), {
      body: () => ({ secret: sandbox.apiUser.secret }),
    }),
    onConnector('verify connector', connectors.verify, writeRoute(200)),
    onConnector('disconnect connector', connectors.disconnect, writeRoute(200), {
      body: () => ({ confirm: true as const }),
    }),
    onConnector('delete connector', connectors.remove, adminRoute(200), {
      body: () => ({ confirm: true as const }),
    }),
    onConnector('search companies', lookups.companies, readRoute(200), { query: { q: 'alpha' } }),
    onConnector('search services', lookups.services, readRoute(200), { query: { q: 'edr' } }),
    onConnector('refresh lookups', lookups.refresh, writeRoute(200), { body: () => ({}) }),
    onConnector('list workspace mappings', mappings.workspaces, readRoute(200)),
    onConnector('suggest workspace mappings', mappings.suggestions, readRoute(200)),
    onConnector('propose auto-map', mappings.autoMapProposals, readRoute(200)),
    onConnector('apply auto-map', mappings.autoMapApply, writeRoute(200), {
      // A company the cache does not hold: answered as skipped, so no later case finds it taken.
      body: (t) => ({ pairs: [{ workspaceId: t.seed.childB.id, companyId: '9999' }] }),
    }),
    onConnector('list mapping batches', mappings.batches, readRoute(200)),
    rbacCase(mappings.undoBatch, {
      name: 'undo mapping batch',
      expect: writeRoute(200),
      prepare: async (t) => {
        // A fresh (empty) batch per call: each allowed role undoes its own.
        const id = await ensureConnector(t);
        const batchId = newId();
        await t.db
          .insertInto('mapping_batches')
          .values({
            id: batchId,
            connector_id: id,
            kind: 'auto_map',
            created_by: null,
            created_at: t.clock().toISOString(),
            undone_by: null,
            undone_at: null,
          })
          .execute();
        return { params: { channelId: t.seed.channel.id, connectorId: id, batchId } };
      },
    }),
    onChildAMapping('list company contracts', mappings.companyContracts, readRoute(200), { isMapped: true }),
    onChildAMapping('map workspace', mappings.mapWorkspace, writeRoute(200), { body: { companyId: '9001' } }),
    onChildAMapping('pin contract', mappings.pinContract, writeRoute(200), {
      body: { contractId: null },
      isMapped: true,
    }),
    onChildAMapping('unmap workspace', mappings.unmapWorkspace, writeRoute(200), { isMapped: true }),
    onConnector('list service mappings', mappings.services, readRoute(200)),
    onConnector('suggest service mappings', mappings.serviceSuggestions, readRoute(200)),
    rbacCase(mappings.mapService, {
      name: 'map service',
      expect: writeRoute(200),
      prepare: async (t) => ({
        params: { ...(await connectorParams(t)), serviceKey: 'edr' },
        body: { psaServiceId: '9101' },
      }),
    }),
    rbacCase(mappings.unmapService, {
      name: 'unmap service',
      expect: writeRoute(200),
      prepare: async (t) => ({
        params: { ...(await connectorParams(t, ensureServiceMapping)), serviceKey: 'edr' },
      }),
    }),
    onConnector('run contract check', mappings.contractCheck, writeRoute(200), {
      body: () => ({}),
      before: ensureWorkspaceMapping,
    }),
  ],
  { psaProviders: { autotask: provider } },
);
