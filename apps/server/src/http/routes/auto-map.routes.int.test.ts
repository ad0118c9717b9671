import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  endpoints,
  endpointUrl,
  type AutoMapProposal,
  type AutoMapProposalList,
  type EndpointSpec,
} from '@coro/contracts';

import { callEndpoint, type EndpointCallInput } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import type { TestRole } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { demoChildren } from '../../demo/demo-data.js';

// Auto-map you can review: proposals commit nothing, apply maps exactly the selection (each pair
// checked again), and the batch undo brings the mappings back to what they were.
describe.skipIf(isDatabaseUnavailable())(`auto-map review and batch undo (${testDialect()})`, () => {
  let h: ConnectorHarness;
  let connectorId = '';
  const connector = () => ({ channelId: h.seed.channel.id, connectorId });
  const workspace = (workspaceId: string) => ({ ...connector(), workspaceId });
  const batch = (id: string) => ({ ...connector(), batchId: id });
  const call = async <E extends EndpointSpec>(role: TestRole, endpoint: E, input: EndpointCallInput<E>) =>
    callEndpoint(h.app, endpoint, { ...input, headers: { ...(await h.login(role)), ...input.headers } });
  /** Raw inject on purpose: for bodies that the endpoint's type forbids. */
  const callRaw = async (role: TestRole, options: InjectOptions) =>
    h.app.inject({ ...options, headers: { ...(await h.login(role)), ...options.headers } });
  /** workspace name → company name, as stored. */
  const mappings = async (): Promise<Record<string, string>> => {
    const rows = await h.db
      .selectFrom('workspace_mappings as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .innerJoin('psa_companies as c', (j) =>
        j.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
      )
      .select(['w.display_name', 'c.name'])
      .where('m.connector_id', '=', connectorId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.display_name, r.name]));
  };
  const proposals = async (): Promise<AutoMapProposalList> => {
    const response = await call('viewer', endpoints.mappings.autoMapProposals, { params: connector() });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const byName = (list: AutoMapProposalList, name: string): AutoMapProposal => {
    const found = list.items.find((p) => p.workspaceName === name);
    if (!found) throw new Error(`no proposal for ${name}`);
    return found;
  };
  const apply = (pairs: readonly { workspaceId: string; companyId: string }[]) =>
    call('admin', endpoints.mappings.autoMapApply, { params: connector(), body: { pairs: [...pairs] } });
  const pairOf = (p: AutoMapProposal) => ({ workspaceId: p.workspaceId, companyId: p.companyId });

  beforeAll(async () => {
    h = await createConnectorHarness({ seed: 'demo' });
    await h.addChildren(demoChildren.map((c) => c.name));
    const created = await call('admin', endpoints.connectors.create, {
      params: { channelId: h.seed.channel.id },
      body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    connectorId = created.json().id;
    // One workspace mapped by hand first: its company must come back as "already mapped".
    const acme = (await proposals()).items.find((p) => p.companyName === 'Acme Corporation')!;
    const alpha = await call('admin', endpoints.mappings.mapWorkspace, {
      params: workspace(h.seed.childA.id),
      body: { companyId: acme.companyId },
    });
    expect(alpha.statusCode).toBe(200);
  });
  afterAll(async () => {
    await h.close();
  });

  it('proposes exact names pre-selected, similar ones with an honest score, exclusions with a reason, and commits nothing', async () => {
    const before = await mappings();
    const list = await proposals();
    expect(await mappings()).toStrictEqual(before);
    expect(byName(list, 'Blue Harbor Logistics')).toMatchObject({
      companyName: 'Blue Harbor Logistics',
      match: 'exact',
      score: 1,
      isPreselected: true,
      exclusion: null,
    });
    const evergreen = byName(list, 'Evergreen Law Group');
    expect(evergreen).toMatchObject({ companyName: 'Evergreen Law Group LLP', match: 'similar' });
    expect(evergreen.isPreselected).toBe(false);
    expect(evergreen.score).toBeGreaterThan(0.5);
    expect(evergreen.score).toBeLessThan(1);
    expect(byName(list, 'Quantum Analytics')).toMatchObject({ match: 'similar', isPreselected: false });
    expect(byName(list, 'Hollow Creek Farms')).toMatchObject({
      match: 'exact',
      isPreselected: false,
      exclusion: 'inactive_company',
    });
    const acme = byName(list, 'Acme Corporation');
    expect(acme).toMatchObject({ exclusion: 'company_already_mapped', isPreselected: false });
    expect(acme.note).toContain('Alpha Co');
    expect(list.items.some((p) => p.workspaceName === 'Alpha Co')).toBe(false);
    expect(list.items.some((p) => p.workspaceName === 'Nimbus Cloud Services')).toBe(false);
    // Only an exact pair scores 1, and only an exact, applicable pair is pre-selected.
    for (const p of list.items) {
      expect(p.score === 1).toBe(p.match === 'exact');
      expect(p.isPreselected).toBe(p.match === 'exact' && p.exclusion === null);
    }
    expect(list.counts).toMatchObject({ exact: 33, excluded: 2 });
    expect(list.counts.similar).toBeGreaterThanOrEqual(4);
  });

  it('refuses malformed selections with a code and maps nothing', async () => {
    const before = await mappings();
    const list = await proposals();
    const blue = pairOf(byName(list, 'Blue Harbor Logistics'));
    const legacy = await callRaw('admin', {
      method: 'POST',
      url: endpointUrl(endpoints.mappings.autoMapApply, { params: connector() }),
      payload: {},
    });
    expect(legacy.statusCode).toBe(400);
    expect(legacy.json().error.code).toBe('validation_failed');
    expect((await apply([])).statusCode).toBe(400);
    const twice = await apply([blue, { ...blue, companyId: '0' }]);
    expect(twice.statusCode).toBe(400);
    expect(twice.error().code).toBe('bad_request');
    expect((await apply([{ workspaceId: 'not-an-id', companyId: '1' }])).statusCode).toBe(400);
    const viewer = await call('viewer', endpoints.mappings.autoMapApply, {
      params: connector(),
      body: { pairs: [blue] },
    });
    expect(viewer.statusCode).toBe(403);
    expect(await mappings()).toStrictEqual(before);
  });

  let batchId = '';
  let beforeBatch: Record<string, string> = {};

  it('applies exactly the selected pairs and skips, with the reason, what is no longer valid', async () => {
    beforeBatch = await mappings();
    const list = await proposals();
    const exact = list.items.filter((p) => p.isPreselected);
    const leftOut = byName(list, 'Cedar Ridge Dental');
    const selected = [
      ...exact.filter((p) => p.workspaceId !== leftOut.workspaceId),
      byName(list, 'Evergreen Law Group'),
      byName(list, 'Hollow Creek Farms'),
      byName(list, 'Acme Corporation'),
    ];
    const response = await apply(selected.map(pairOf));
    expect(response.statusCode).toBe(200);
    const result = response.json();
    batchId = result.batchId!;
    expect(batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.skipped.map((s) => [s.reason, s.message.includes('Alpha Co')])).toStrictEqual([
      ['inactive_company', false],
      ['company_already_mapped', true],
    ]);
    const expected = { ...beforeBatch };
    for (const p of selected.slice(0, -2)) expected[p.workspaceName] = p.companyName;
    expect(await mappings()).toStrictEqual(expected);
    expect(result.mapped).toHaveLength(exact.length);
    expect(Object.keys(expected)).not.toContain('Cedar Ridge Dental');
    // Applied pairs are checked against the contract like any other mapping.
    const row = await h.db
      .selectFrom('workspace_mappings as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select('m.check_status')
      .where('w.display_name', '=', 'Evergreen Law Group')
      .executeTakeFirstOrThrow();
    expect(row.check_status).toBe('ok');
    const batches = await call('viewer', endpoints.mappings.batches, { params: connector() });
    expect(batches.json().items).toStrictEqual([
      {
        id: batchId,
        createdAt: h.clock().toISOString(),
        createdBy: h.seed.users.admin.email,
        mappingCount: exact.length,
        undoneAt: null,
      },
    ]);
    const again = await apply([pairOf(byName(list, 'Blue Harbor Logistics'))]);
    expect(again.json()).toMatchObject({
      batchId: null,
      mapped: [],
      skipped: [{ reason: 'workspace_already_mapped' }],
    });
  });

  it('suggests PSA services by name, initials and known aliases, and commits nothing', async () => {
    const response = await call('viewer', endpoints.mappings.serviceSuggestions, { params: connector() });
    expect(response.statusCode).toBe(200);
    const best = Object.fromEntries(
      response
        .json()
        .items.map((i) => [
          i.serviceKey,
          i.candidates[0] && [i.candidates[0].psaServiceName, i.candidates[0].reason],
        ]),
    );
    expect(best).toMatchObject({
      mobile_device_management: ['Coro MDM', 'alias'],
      edr: ['Coro EDR', 'name'],
      email_security: ['Coro Email Security', 'name'],
      secure_web_gateway: ['Coro Secure Web Gateway', 'name'],
    });
    const mapped = await h.db.selectFrom('service_mappings').select('id').execute();
    expect(mapped).toStrictEqual([]);
  });

  it('re-runs the contract check by itself when a service mapping changes', async () => {
    const status = async (): Promise<string | null> =>
      (
        await h.db
          .selectFrom('workspace_mappings as m')
          .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
          .select('m.check_status')
          .where('w.display_name', '=', 'Kestrel Robotics')
          .executeTakeFirstOrThrow()
      ).check_status;
    expect(await status()).toBe('ok');
    const email = await h.db
      .selectFrom('psa_services')
      .select('psa_id')
      .where('connector_id', '=', connectorId)
      .where('name', '=', 'Coro Email Security')
      .executeTakeFirstOrThrow();
    const service = { ...connector(), serviceKey: 'email_security' };
    const mapped = await call('admin', endpoints.mappings.mapService, {
      params: service,
      body: { psaServiceId: email.psa_id },
    });
    expect(mapped.statusCode).toBe(200);
    // Kestrel's contract lacks Email Security (docs/demo-data.md): the row says so at once.
    expect(await status()).toBe('service_missing');
    await call('admin', endpoints.mappings.unmapService, { params: service });
    expect(await status()).toBe('ok');
  });

  it('offers the mapped company contracts for the pin', async () => {
    const id = (
      await h.db
        .selectFrom('workspaces')
        .select('id')
        .where('display_name', '=', 'Blue Harbor Logistics')
        .executeTakeFirstOrThrow()
    ).id;
    const response = await call('viewer', endpoints.mappings.companyContracts, { params: workspace(id) });
    expect(response.statusCode).toBe(200);
    const list = response.json();
    expect(list.pinnedContractId).toBeNull();
    expect(list.items.length).toBeGreaterThan(0);
    const pinned = await call('admin', endpoints.mappings.pinContract, {
      params: workspace(id),
      body: { contractId: list.items[0]!.id },
    });
    expect(pinned.statusCode).toBe(200);
    const unmapped = (await proposals()).items.find((p) => p.workspaceName === 'Cedar Ridge Dental')!;
    const notMapped = await call('viewer', endpoints.mappings.companyContracts, {
      params: workspace(unmapped.workspaceId),
    });
    expect(notMapped.statusCode).toBe(404);
    expect(notMapped.error().code).toBe('not_found');
  });

  it('undoes the batch in one call, keeping and reporting what changed since', async () => {
    const list = await call('viewer', endpoints.mappings.workspaces, {
      params: connector(),
      query: { filter: 'mapped', limit: 500 },
    });
    const idOf = (name: string) => list.json().items.find((i) => i.workspaceName === name)!.workspaceId;
    // Changed since the batch: unmapped by hand, and re-mapped to another company.
    await call('admin', endpoints.mappings.unmapWorkspace, { params: workspace(idOf('Keystone Realty')) });
    const lakeside = (await proposals()).items.find((p) => p.workspaceName === 'Lakeside Veterinary')!;
    await call('admin', endpoints.mappings.mapWorkspace, {
      params: workspace(idOf('Juniper Financial')),
      body: { companyId: lakeside.companyId },
    });
    const now = await mappings();

    const response = await call('admin', endpoints.mappings.undoBatch, { params: batch(batchId) });
    expect(response.statusCode).toBe(200);
    const result = response.json();
    expect(result.kept.map((k) => [k.workspaceName, k.reason]).sort()).toStrictEqual([
      ['Blue Harbor Logistics', 'changed_since'],
      ['Juniper Financial', 'changed_since'],
      ['Keystone Realty', 'removed_since'],
    ]);
    const kept = ['Blue Harbor Logistics', 'Juniper Financial'];
    const expected = { ...beforeBatch, ...Object.fromEntries(kept.map((n) => [n, now[n]!])) };
    expect(await mappings()).toStrictEqual(expected);
    expect(result.removed.length).toBe(Object.keys(now).length - Object.keys(expected).length);

    const listed = await call('viewer', endpoints.mappings.batches, { params: connector() });
    expect(listed.json().items[0]).toMatchObject({
      id: batchId,
      undoneAt: h.clock().toISOString(),
    });
    const twice = await call('admin', endpoints.mappings.undoBatch, { params: batch(batchId) });
    expect(twice.statusCode).toBe(409);
    expect(twice.error().code).toBe('conflict');
    const unknown = await call('admin', endpoints.mappings.undoBatch, {
      params: batch('0190a1b2-0000-7000-8000-000000000000'),
    });
    expect(unknown.statusCode).toBe(404);
    expect((await call('viewer', endpoints.mappings.undoBatch, { params: batch(batchId) })).statusCode).toBe(
      403,
    );
    const audit = await h.db
      .selectFrom('audit_events')
      .select(['action', 'entity_id'])
      .where('entity', '=', 'mapping_batch')
      .orderBy('id')
      .execute();
    expect(audit).toStrictEqual([
      { action: 'workspace_mapping.auto_mapped', entity_id: batchId },
      { action: 'workspace_mapping.auto_map_undone', entity_id: batchId },
    ]);
  });
});
