import { ensureChannelConnector, startRbacAutotask } from '../../../test/rbac-connector.js';
import {
  adminRoute,
  describeRbacMatrix,
  readRoute,
  writeRoute,
  type RbacCase,
} from '../../../test/rbac-matrix.js';
import type { TestApp, TestSeed } from '../../../test/test-app.js';
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
    .values({
      id: newId(),
      connector_id: connectorId,
      workspace_id: t.seed.childA.id,
      psa_company_id: '9001',
      pinned_contract_id: null,
      check_status: null,
      check_json: null,
      checked_at: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
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

const connectors = (s: TestSeed): string => `/api/workspaces/${s.channel.id}/connectors`;
/** A case on an existing connector: `path` is appended to the connector's URL. */
const onConnector = (
  name: string,
  method: RbacCase['method'],
  path: string,
  expected: RbacCase['expect'],
  options: {
    payload?: (t: TestApp) => unknown;
    before?: (t: TestApp, connectorId: string) => Promise<void>;
  } = {},
): RbacCase => ({
  name,
  method,
  url: () => '',
  expect: expected,
  prepare: async (t) => {
    const id = await ensureConnector(t);
    await options.before?.(t, id);
    const payload = options.payload?.(t);
    return { url: `${connectors(t.seed)}/${id}${path}`, ...(payload === undefined ? {} : { payload }) };
  },
});

describeRbacMatrix(
  'connectors, lookups and mappings',
  [
    { name: 'list connectors', method: 'GET', url: connectors, expect: readRoute(200) },
    {
      name: 'create connector',
      method: 'POST',
      url: connectors,
      expect: writeRoute(201),
      prepare: async (t) => {
        // Each allowed role creates it afresh: one Autotask connector per channel.
        await t.db.deleteFrom('psa_connectors').where('channel_id', '=', t.seed.channel.id).execute();
        return {
          url: connectors(t.seed),
          payload: {
            kind: 'autotask',
            username: sandbox.apiUser.username,
            secret: sandbox.apiUser.secret,
            integrationCode: sandbox.apiUser.integrationCode,
          },
        };
      },
    },
    onConnector('read connector', 'GET', '', readRoute(200)),
    onConnector('update credentials', 'PUT', '/credentials', writeRoute(200), {
      payload: () => ({ secret: sandbox.apiUser.secret }),
    }),
    onConnector('verify connector', 'POST', '/verify', writeRoute(200)),
    onConnector('disconnect connector', 'POST', '/disconnect', writeRoute(200), {
      payload: () => ({ confirm: true }),
    }),
    onConnector('delete connector', 'DELETE', '', adminRoute(200), { payload: () => ({ confirm: true }) }),
    onConnector('search companies', 'GET', '/lookups/companies?q=alpha', readRoute(200)),
    onConnector('search services', 'GET', '/lookups/services?q=edr', readRoute(200)),
    onConnector('refresh lookups', 'POST', '/lookups/refresh', writeRoute(200), { payload: () => ({}) }),
    onConnector('list workspace mappings', 'GET', '/workspace-mappings', readRoute(200)),
    onConnector('suggest workspace mappings', 'GET', '/workspace-mappings/suggestions', readRoute(200)),
    onConnector('propose auto-map', 'GET', '/workspace-mappings/auto-map', readRoute(200)),
    onConnector('apply auto-map', 'POST', '/workspace-mappings/auto-map', writeRoute(200), {
      // A company the cache does not hold: answered as skipped, so no later case finds it taken.
      payload: (t) => ({ pairs: [{ workspaceId: t.seed.childB.id, companyId: '9999' }] }),
    }),
    onConnector('list mapping batches', 'GET', '/mapping-batches', readRoute(200)),
    {
      name: 'undo mapping batch',
      method: 'POST',
      url: () => '',
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
        return { url: `${connectors(t.seed)}/${id}/mapping-batches/${batchId}/undo` };
      },
    },
    {
      name: 'list company contracts',
      method: 'GET',
      url: () => '',
      expect: readRoute(200),
      prepare: async (t) => {
        const id = await ensureConnector(t);
        await ensureWorkspaceMapping(t, id);
        return { url: `${connectors(t.seed)}/${id}/workspace-mappings/${t.seed.childA.id}/contracts` };
      },
    },
    {
      name: 'map workspace',
      method: 'PUT',
      url: () => '',
      expect: writeRoute(200),
      prepare: async (t) => ({
        url: `${connectors(t.seed)}/${await ensureConnector(t)}/workspace-mappings/${t.seed.childA.id}`,
        payload: { companyId: '9001' },
      }),
    },
    {
      name: 'pin contract',
      method: 'PUT',
      url: () => '',
      expect: writeRoute(200),
      prepare: async (t) => {
        const id = await ensureConnector(t);
        await ensureWorkspaceMapping(t, id);
        return {
          url: `${connectors(t.seed)}/${id}/workspace-mappings/${t.seed.childA.id}/pin`,
          payload: { contractId: null },
        };
      },
    },
    {
      name: 'unmap workspace',
      method: 'DELETE',
      url: () => '',
      expect: writeRoute(200),
      prepare: async (t) => {
        const id = await ensureConnector(t);
        await ensureWorkspaceMapping(t, id);
        return { url: `${connectors(t.seed)}/${id}/workspace-mappings/${t.seed.childA.id}` };
      },
    },
    onConnector('list service mappings', 'GET', '/service-mappings', readRoute(200)),
    onConnector('suggest service mappings', 'GET', '/service-mappings/suggestions', readRoute(200)),
    onConnector('map service', 'PUT', '/service-mappings/edr', writeRoute(200), {
      payload: () => ({ psaServiceId: '9101' }),
    }),
    onConnector('unmap service', 'DELETE', '/service-mappings/edr', writeRoute(200), {
      before: ensureServiceMapping,
    }),
    onConnector('run contract check', 'POST', '/contract-check', writeRoute(200), {
      payload: () => ({}),
      before: ensureWorkspaceMapping,
    }),
  ],
  { psaProviders: { autotask: provider } },
);
