// The workspace- and service-mapping routes over one connector harness (real sandbox, demo
// channel). One file, longer than most, because every case shares that harness and its last case
// checks every answer the file received for the PSA secret; split per route, each file would start
// the sandbox and connect again, and no one place would see all the answers.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  endpoints,
  endpointUrl,
  type EndpointSpec,
  type SuggestionList,
  type SuggestionsQuery,
  type WorkspaceMappingItem,
} from '@coro/contracts';

import { callEndpoint, type EndpointCallInput } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import { demoChildren } from '../../demo/demo-data.js';
import type { TestRole } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

// The demo story (docs/demo-data.md), Coro side: the same names the demo seed creates.
const demoWorkspaces = demoChildren.map((child) => child.name);
const mappedServices = [
  ['endpoint_security', 'Coro Endpoint Security', 'devices'],
  ['edr', 'Coro EDR', 'devices'],
  ['email_security', 'Coro Email Security', 'users'],
  ['secure_messages', 'Coro Secure Messages', 'users'],
] as const;

describe.skipIf(isDatabaseUnavailable())(
  `lookup and mapping routes on the demo seed (${testDialect()})`,
  () => {
    let h: ConnectorHarness;
    let ids: Record<string, string>;
    let connectorId = '';
    const bodies: string[] = [];
    const connector = () => ({ channelId: h.seed.channel.id, connectorId });
    const workspace = (workspaceId: string) => ({ ...connector(), workspaceId });
    const service = (serviceKey: string) => ({ ...connector(), serviceKey });
    const call = async <E extends EndpointSpec>(role: TestRole, endpoint: E, input: EndpointCallInput<E>) => {
      const response = await callEndpoint(h.app, endpoint, {
        ...input,
        headers: { ...(await h.login(role)), ...input.headers },
      });
      bodies.push(response.body);
      return response;
    };
    /** Raw inject on purpose: for input that the endpoint's type forbids. */
    const callRaw = async (role: TestRole, options: InjectOptions) => {
      const response = await h.app.inject({
        ...options,
        headers: { ...(await h.login(role)), ...options.headers },
      });
      bodies.push(response.body);
      return response;
    };
    const companyId = async (name: string): Promise<string> => {
      const page = (
        await call('admin', endpoints.lookups.companies, {
          params: connector(),
          query: { q: name, limit: 5 },
        })
      ).json();
      const found = page.items.find((c) => c.name === name);
      if (!found) throw new Error(`no company ${name}`);
      return found.id;
    };
    const row = async (name: string): Promise<WorkspaceMappingItem> => {
      const page = (
        await call('viewer', endpoints.mappings.workspaces, {
          params: connector(),
          query: { q: name, limit: 500 },
        })
      ).json();
      const found = page.items.find((i) => i.workspaceName === name);
      if (!found) throw new Error(`no workspace ${name}`);
      return found;
    };
    const mappingCount = async (): Promise<number> =>
      (
        await h.db
          .selectFrom('workspace_mappings')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;

    beforeAll(async () => {
      h = await createConnectorHarness({ seed: 'demo' });
      ids = await h.addChildren(demoWorkspaces);
      const created = await call('admin', endpoints.connectors.create, {
        params: { channelId: h.seed.channel.id },
        body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
      });
      connectorId = created.json().id;
    });
    afterAll(async () => {
      await h.close();
    });

    it('should be protected', async () => {
      expect(
        (await call('anonymous', endpoints.mappings.workspaces, { params: connector() })).statusCode,
      ).toBe(401);
      expect(
        (await call('other_admin', endpoints.mappings.workspaces, { params: connector() })).statusCode,
      ).toBe(404);
      expect(
        (
          await call('other_admin', endpoints.mappings.workspaces, {
            params: { channelId: h.seed.otherChannel.id, connectorId },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (await call('viewer', endpoints.lookups.refresh, { params: connector(), body: {} })).statusCode,
      ).toBe(403);
      expect(
        (
          await call('viewer', endpoints.mappings.autoMapApply, {
            params: connector(),
            body: { pairs: [{ workspaceId: h.seed.childA.id, companyId: '1' }] },
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (await call('other_admin', endpoints.lookups.companies, { params: connector() })).statusCode,
      ).toBe(404);
    });

    it('refreshes lookups in full first, then incrementally', async () => {
      const full = await call('admin', endpoints.lookups.refresh, {
        params: connector(),
        body: { full: true },
      });
      expect(full.statusCode).toBe(200);
      expect(full.json()).toMatchObject({ companies: { mode: 'full', missing: 0 } });
      expect(full.json().companies.total).toBeGreaterThanOrEqual(39);
      expect(full.json().services.upserted).toBeGreaterThanOrEqual(12);
      const incremental = await call('admin', endpoints.lookups.refresh, { params: connector(), body: {} });
      expect(incremental.json().companies.mode).toBe('incremental');
      // Nothing changed in Autotask since the full refresh's watermark.
      expect(incremental.json().companies.upserted).toBe(0);
      expect(incremental.json().companies.total).toBe(full.json().companies.total);
      const shown = (await call('viewer', endpoints.connectors.get, { params: connector() })).json();
      expect(shown.companiesRefreshedAt).toBe(h.clock().toISOString());
    });

    it('searches companies server-side, prefix matches first, with cursor paging', async () => {
      const before = h.sandbox.admin.requestCount();
      const page = (
        await call('viewer', endpoints.lookups.companies, { params: connector(), query: { q: 'HARBOR' } })
      ).json();
      expect(page.items.map((c) => c.name)).toStrictEqual([
        'Harborview Medical Center',
        'Blue Harbor Logistics',
      ]);
      const first = (
        await call('viewer', endpoints.lookups.companies, { params: connector(), query: { limit: 10 } })
      ).json();
      expect(first.items).toHaveLength(10);
      const second = (
        await call('viewer', endpoints.lookups.companies, {
          params: connector(),
          query: { limit: 10, cursor: first.nextCursor! },
        })
      ).json();
      expect(
        second.items.map((c) => c.id).filter((id) => first.items.some((f) => f.id === id)),
      ).toStrictEqual([]);
      expect(h.sandbox.admin.requestCount()).toBe(before);
      expect(
        (
          await call('viewer', endpoints.lookups.companies, {
            params: connector(),
            query: { cursor: 'bogus' },
          })
        ).error().code,
      ).toBe('bad_request');
      expect(
        (await call('viewer', endpoints.lookups.companies, { params: connector(), query: { limit: 0 } }))
          .statusCode,
      ).toBe(400);
      expect(
        (
          await callRaw('viewer', {
            method: 'GET',
            url: endpointUrl(endpoints.lookups.companies, { params: connector() }),
            query: { limit: 'many' },
          })
        ).statusCode,
      ).toBe(400);
      const hollow = (
        await call('viewer', endpoints.lookups.companies, {
          params: connector(),
          query: { q: 'hollow creek', activeOnly: true },
        })
      ).json();
      expect(hollow.items).toStrictEqual([]);
    });

    it('maps services one-to-one with the catalog billing basis by default', async () => {
      for (const [key, psaName, basis] of mappedServices) {
        const services = (
          await call('admin', endpoints.lookups.services, { params: connector(), query: { q: psaName } })
        ).json();
        const found = services.items.find((s) => s.name === psaName)!;
        const response = await call('admin', endpoints.mappings.mapService, {
          params: service(key),
          body: { psaServiceId: found.id },
        });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({
          serviceKey: key,
          mapping: { psaServiceName: psaName, billingBasis: basis },
        });
      }
      const list = (await call('viewer', endpoints.mappings.services, { params: connector() })).json();
      expect(list.items.filter((i) => i.mapping !== null).map((i) => i.serviceKey)).toStrictEqual(
        mappedServices.map(([k]) => k),
      );
      expect(list.items.length).toBe(12);
      const endpoint = list.items.find((i) => i.serviceKey === 'endpoint_security')!.mapping!.psaServiceId;
      const conflict = await call('admin', endpoints.mappings.mapService, {
        params: service('edr'),
        body: { psaServiceId: endpoint },
      });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.error().message).toContain('Endpoint Security');
      expect(
        (
          await call('admin', endpoints.mappings.mapService, {
            params: service('no_such_service'),
            body: { psaServiceId: endpoint },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await call('admin', endpoints.mappings.mapService, {
            params: service('mdm'),
            body: { psaServiceId: '999999' },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await callRaw('admin', {
            method: 'PUT',
            url: endpointUrl(endpoints.mappings.mapService, { params: service('mdm') }),
            payload: { psaServiceId: endpoint, billingBasis: 'seats' },
          })
        ).statusCode,
      ).toBe(400);
      // Switch the basis, then back.
      const users = await call('admin', endpoints.mappings.mapService, {
        params: service('endpoint_security'),
        body: { psaServiceId: endpoint, billingBasis: 'users' },
      });
      expect(users.json().mapping?.billingBasis).toBe('users');
      await call('admin', endpoints.mappings.mapService, {
        params: service('endpoint_security'),
        body: { psaServiceId: endpoint, billingBasis: 'devices' },
      });
    });

    it('suggests fuzzy matches with a score and commits nothing', async () => {
      const response = await call('viewer', endpoints.mappings.suggestions, { params: connector() });
      expect(response.statusCode).toBe(200);
      const list = response.json();
      const harborview = list.items.find((i) => i.workspaceName === 'Harborview Medical')!;
      expect(harborview.candidates[0]).toMatchObject({ companyName: 'Harborview Medical Center' });
      expect(harborview.candidates[0]!.score).toBeGreaterThan(0.6);
      expect(harborview.candidates[0]!.score).toBeLessThan(1);
      expect(
        list.items.find((i) => i.workspaceName === 'Lakeside Veterinary')!.candidates[0]!.companyName,
      ).toBe('Lakeside Veterinary Clinic');
      expect(
        list.items
          .find((i) => i.workspaceName === 'Nimbus Cloud Services')!
          .candidates.every((c) => c.score < 1),
      ).toBe(true);
      expect(await mappingCount()).toBe(0);
    });

    it('pages suggestions by workspace ids or offset, and drops a company once it is mapped', async () => {
      const suggestions = async (query: SuggestionsQuery): Promise<SuggestionList> => {
        const response = await call('viewer', endpoints.mappings.suggestions, { params: connector(), query });
        expect(response.statusCode).toBe(200);
        return response.json();
      };
      const full = await suggestions({});
      expect(full.items.length).toBeGreaterThan(10);
      // The same rows, whether asked all at once, by offset or by id (in name order, unknown ids left out).
      expect((await suggestions({ offset: 3, pageSize: 4 })).items).toStrictEqual(full.items.slice(3, 7));
      const picked = [full.items[5]!, full.items[1]!];
      expect(
        (
          await suggestions({
            workspaceIds: [...picked.map((i) => i.workspaceId), h.seed.channel.id].join(','),
          })
        ).items,
      ).toStrictEqual([full.items[1], full.items[5]]);
      expect(
        (
          await call('viewer', endpoints.mappings.suggestions, {
            params: connector(),
            query: { pageSize: 0 },
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await call('viewer', endpoints.mappings.suggestions, {
            params: connector(),
            query: { workspaceIds: "x' or 1=1" },
          })
        ).statusCode,
      ).toBe(400);

      // Map another workspace to Harborview's best candidate: it is no longer offered (the cache
      // follows the mappings), and it is offered again once unmapped.
      const harborview = ids['Harborview Medical']!;
      const lakeside = ids['Lakeside Veterinary']!;
      const best = async (): Promise<string | undefined> =>
        (await suggestions({ workspaceIds: harborview })).items[0]?.candidates[0]?.companyName;
      expect(await best()).toBe('Harborview Medical Center');
      const mapped = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(lakeside),
        body: { companyId: await companyId('Harborview Medical Center') },
      });
      expect(mapped.statusCode).toBe(200);
      expect(await best()).not.toBe('Harborview Medical Center');
      expect((await suggestions({ workspaceIds: lakeside })).items).toStrictEqual([]);
      expect(
        (await call('admin', endpoints.mappings.unmapWorkspace, { params: workspace(lakeside) })).statusCode,
      ).toBe(200);
      expect(await best()).toBe('Harborview Medical Center');
      expect(await mappingCount()).toBe(0);
    });

    it('applies the reviewed auto-map proposals, and checks contracts for what it mapped', async () => {
      const list = (await call('admin', endpoints.mappings.autoMapProposals, { params: connector() })).json();
      expect(await mappingCount()).toBe(0);
      // The exact names, plus the names that differ only by a legal form (reviewed, not pre-selected).
      const selected = list.items.filter(
        (p) => p.isPreselected || ['Evergreen Law Group', 'Quantum Analytics'].includes(p.workspaceName),
      );
      const response = await call('admin', endpoints.mappings.autoMapApply, {
        params: connector(),
        body: { pairs: selected.map((p) => ({ workspaceId: p.workspaceId, companyId: p.companyId })) },
      });
      expect(response.statusCode).toBe(200);
      const result = response.json();
      const mapped = Object.fromEntries(result.mapped.map((m) => [m.workspaceName, m.companyName]));
      expect(mapped['Evergreen Law Group']).toBe('Evergreen Law Group LLP');
      expect(mapped['Quantum Analytics']).toBe('Quantum Analytics Inc.');
      expect(mapped['Harborview Medical']).toBeUndefined();
      expect(result.mapped).toHaveLength(36);
      expect(result.skipped).toStrictEqual([]);
      // The inactive company is never proposed for mapping; an admin may still map it by hand.
      const hollow = list.items.find((p) => p.workspaceName === 'Hollow Creek Farms')!;
      expect(hollow.exclusion).toBe('inactive_company');
      const byHand = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(hollow.workspaceId),
        body: { companyId: hollow.companyId },
      });
      expect(byHand.statusCode).toBe(200);
      expect(await mappingCount()).toBe(37);
      expect((await row('Acme Corporation')).mapping!.check).toMatchObject({ status: 'ok', isPinned: false });
      const again = (
        await call('admin', endpoints.mappings.autoMapProposals, { params: connector() })
      ).json();
      expect(again.items.filter((p) => p.isPreselected)).toStrictEqual([]);
    });

    it.each([
      [
        'Elm Grove Library',
        'no_contract',
        'Contracts → New Contract → Recurring Service for Elm Grove Library',
      ],
      ['Foxtrot Distribution', 'ambiguous', 'Pin the contract'],
      ['Glacier Bay Fisheries', 'no_contract', 'extend its end date'],
      ['Kestrel Robotics', 'service_missing', 'add Coro Email Security'],
      ['Hollow Creek Farms', 'inactive_company', 'set it Active'],
    ])('shows %s as %s with advice for Autotask', async (name, status, advice) => {
      const check = (await row(name)).mapping!.check!;
      expect(check.status).toBe(status);
      expect(check.advice).toContain(advice);
      expect(check.checkedAt).toBe(h.clock().toISOString());
    });

    it('lists problems, filters, sorts and counts', async () => {
      const problems = (
        await call('viewer', endpoints.mappings.workspaces, {
          params: connector(),
          query: { filter: 'problems' },
        })
      ).json();
      expect(problems.items.map((i) => i.workspaceName).sort()).toStrictEqual([
        'Elm Grove Library',
        'Foxtrot Distribution',
        'Glacier Bay Fisheries',
        'Hollow Creek Farms',
        'Kestrel Robotics',
      ]);
      expect(problems.counts).toStrictEqual({ all: 42, mapped: 37, unmapped: 5, problems: 5 });
      const unmapped = (
        await call('viewer', endpoints.mappings.workspaces, {
          params: connector(),
          query: { filter: 'unmapped', sort: 'workspace', order: 'desc' },
        })
      ).json();
      expect(unmapped.items.map((i) => i.workspaceName)).toStrictEqual([
        'Nimbus Cloud Services',
        'Lakeside Veterinary',
        'Harborview Medical',
        'Beta Co',
        'Alpha Co',
      ]);
      const paged = (
        await call('viewer', endpoints.mappings.workspaces, {
          params: connector(),
          query: { limit: 10, offset: 40 },
        })
      ).json();
      expect(paged.items).toHaveLength(2);
      expect(paged.total).toBe(42);
      expect(
        (
          await callRaw('viewer', {
            method: 'GET',
            url: endpointUrl(endpoints.mappings.workspaces, { params: connector() }),
            query: { filter: 'weird' },
          })
        ).statusCode,
      ).toBe(400);
      const listed = (
        await call('viewer', endpoints.connectors.list, { params: { channelId: h.seed.channel.id } })
      ).json().items[0]!;
      expect(listed.workspaceMapping).toStrictEqual({
        state: 'mapped',
        mapped: 37,
        total: 42,
        problems: 5,
      });
      expect(listed.serviceMapping).toStrictEqual({ state: 'mapped', mapped: 4, total: 12, problems: 0 });
    });

    it('maps a confirmed suggestion and checks its contract right away', async () => {
      const response = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(ids['Harborview Medical']!),
        body: { companyId: await companyId('Harborview Medical Center') },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().mapping).toMatchObject({
        companyName: 'Harborview Medical Center',
        check: { status: 'ok' },
      });
      const search = (
        await call('viewer', endpoints.lookups.companies, { params: connector(), query: { q: 'harborview' } })
      ).json();
      expect(search.items[0]!.mappedWorkspace).toStrictEqual({
        id: ids['Harborview Medical'],
        name: 'Harborview Medical',
      });
    });

    it('refuses a company already mapped elsewhere with 409 naming the other workspace', async () => {
      const response = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(ids['Nimbus Cloud Services']!),
        body: { companyId: await companyId('Acme Corporation') },
      });
      expect(response.statusCode).toBe(409);
      expect(response.error().message).toBe(
        'Autotask company "Acme Corporation" is already mapped to workspace "Acme Corporation". Unmap it there first.',
      );
      expect(response.error().details).toStrictEqual({
        workspaceId: ids['Acme Corporation'],
        workspaceName: 'Acme Corporation',
      });
      expect((await row('Nimbus Cloud Services')).mapping).toBeNull();
    });

    it('changes and unmaps a mapping', async () => {
      const alpha = h.seed.childA.id;
      const vendor = await companyId('Lakeside Veterinary Clinic');
      const first = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(alpha),
        body: { companyId: await companyId('Coro Cybersecurity') },
      });
      expect(first.json().mapping!.companyName).toBe('Coro Cybersecurity');
      const changed = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(alpha),
        body: { companyId: vendor },
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().mapping!.companyName).toBe('Lakeside Veterinary Clinic');
      expect(
        (
          await call('viewer', endpoints.lookups.companies, {
            params: connector(),
            query: { q: 'Coro Cybersecurity' },
          })
        ).json().items[0]!.mappedWorkspace,
      ).toBeNull();
      expect(
        (await call('admin', endpoints.mappings.unmapWorkspace, { params: workspace(alpha) })).statusCode,
      ).toBe(200);
      expect(
        (await call('admin', endpoints.mappings.unmapWorkspace, { params: workspace(alpha) })).statusCode,
      ).toBe(404);
      const lakeside = await call('admin', endpoints.mappings.mapWorkspace, {
        params: workspace(ids['Lakeside Veterinary']!),
        body: { companyId: vendor },
      });
      expect(lakeside.statusCode).toBe(200);
    });

    it.each([
      ['a child of another channel', () => h.seed.otherChild.id, { companyId: '1' }, 404],
      ['a child of a nested channel', () => h.seed.nestedChild.id, { companyId: '1' }, 404],
      ['the channel itself', () => h.seed.channel.id, { companyId: '1' }, 404],
      ['an unknown company', () => h.seed.childB.id, { companyId: '987654' }, 404],
      ['a numeric company id', () => h.seed.childB.id, { companyId: 5 }, 400],
      ['an extra property', () => h.seed.childB.id, { companyId: '1', force: true }, 400],
    ])('refuses mapping %s', async (_label, target, payload, status) => {
      // Raw inject on purpose: some of these bodies are what the endpoint's type forbids.
      const response = await callRaw('admin', {
        method: 'PUT',
        url: endpointUrl(endpoints.mappings.mapWorkspace, { params: workspace(target()) }),
        payload,
      });
      expect(response.statusCode).toBe(status);
      expect(typeof response.json().error.code).toBe('string');
    });

    it('pins a contract for an ambiguous company (pin wins) and unpins it', async () => {
      const foxtrot = ids['Foxtrot Distribution']!;
      const candidates = (await row('Foxtrot Distribution')).mapping!.check!.candidateContractIds;
      expect(candidates).toHaveLength(2);
      const pinned = await call('admin', endpoints.mappings.pinContract, {
        params: workspace(foxtrot),
        body: { contractId: candidates[0]! },
      });
      expect(pinned.statusCode).toBe(200);
      const check = pinned.json().mapping!.check!;
      expect(check).toMatchObject({ isPinned: true, contractId: candidates[0] });
      expect(check.status).not.toBe('ambiguous');
      expect(pinned.json().mapping!.pinnedContractId).toBe(candidates[0]);
      const elsewhere = (await row('Acme Corporation')).mapping!.check!.contractId!;
      const foreign = await call('admin', endpoints.mappings.pinContract, {
        params: workspace(foxtrot),
        body: { contractId: elsewhere },
      });
      expect(foreign.statusCode).toBe(400);
      expect(
        (
          await call('admin', endpoints.mappings.pinContract, {
            params: workspace(ids['Nimbus Cloud Services']!),
            body: { contractId: '1' },
          })
        ).statusCode,
      ).toBe(404);
      const unpinned = await call('admin', endpoints.mappings.pinContract, {
        params: workspace(foxtrot),
        body: { contractId: null },
      });
      expect(unpinned.json().mapping!.check).toMatchObject({
        status: 'ambiguous',
        isPinned: false,
      });
    });

    it('runs the contract check for the connector on demand', async () => {
      h.clock.advance(3_600_000);
      const response = await call('admin', endpoints.mappings.contractCheck, {
        params: connector(),
        body: {},
      });
      expect(response.statusCode).toBe(200);
      const summary = response.json();
      expect(summary).toStrictEqual({
        checked: 39,
        byStatus: { ok: 34, no_contract: 2, service_missing: 1, ambiguous: 1, inactive_company: 1 },
        checkedAt: h.clock().toISOString(),
      });
      const one = await call('admin', endpoints.mappings.contractCheck, {
        params: connector(),
        body: { workspaceIds: [ids['Kestrel Robotics']!] },
      });
      expect(one.json().byStatus.service_missing).toBe(1);
      expect(one.json().checked).toBe(1);
      expect(
        (
          await call('admin', endpoints.mappings.contractCheck, {
            params: connector(),
            body: { workspaceIds: [ids['Nimbus Cloud Services']!] },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (await call('viewer', endpoints.mappings.contractCheck, { params: connector(), body: {} }))
          .statusCode,
      ).toBe(403);
    });

    it('answers psa_unavailable when Autotask fails during the check, and keeps the last results', async () => {
      h.sandbox.admin.setFaults([{ entity: 'Contracts', kind: '503' }]);
      try {
        const response = await call('admin', endpoints.mappings.contractCheck, {
          params: connector(),
          body: {},
        });
        expect(response.error().code).toBe('psa_unavailable');
        expect((await row('Acme Corporation')).mapping!.check!.status).toBe('ok');
      } finally {
        h.sandbox.admin.clearFaults();
      }
    });

    it('unmaps services and audits every mapping change', async () => {
      expect(
        (await call('admin', endpoints.mappings.unmapService, { params: service('secure_messages') }))
          .statusCode,
      ).toBe(200);
      expect(
        (await call('admin', endpoints.mappings.unmapService, { params: service('secure_messages') }))
          .statusCode,
      ).toBe(404);
      const events = await h.db
        .selectFrom('audit_events')
        .select(['action', 'entity', 'actor_label', 'before_json', 'after_json'])
        .where('workspace_id', '=', h.seed.channel.id)
        .where('entity', 'in', ['workspace_mapping', 'service_mapping', 'mapping_batch'])
        .orderBy('id')
        .execute();
      const actions = events.map((e) => e.action);
      for (const action of [
        'service_mapping.created',
        'service_mapping.changed',
        'service_mapping.deleted',
        'workspace_mapping.auto_mapped',
        'workspace_mapping.created',
        'workspace_mapping.changed',
        'workspace_mapping.deleted',
        'workspace_mapping.pinned',
        'workspace_mapping.unpinned',
      ]) {
        expect(actions).toContain(action);
      }
      const auto = events.find((e) => e.action === 'workspace_mapping.auto_mapped')!;
      expect(JSON.parse(auto.after_json!).mapped).toHaveLength(36);
      // The suggestions test also maps and unmaps one workspace.
      const deleted = events.filter((e) => e.action === 'workspace_mapping.deleted');
      expect(
        deleted.map((e) => (JSON.parse(e.before_json!) as { workspaceId: string }).workspaceId),
      ).toContain(h.seed.childA.id);
      expect(events.every((e) => e.actor_label === h.seed.users.admin.email)).toBe(true);
    });

    it('never returned or logged the secret', () => {
      expect(bodies.filter((b) => b.includes(h.sandbox.apiUser.secret))).toStrictEqual([]);
      expect(h.logLines.filter((l) => l.includes(h.sandbox.apiUser.secret))).toStrictEqual([]);
    });
  },
);
