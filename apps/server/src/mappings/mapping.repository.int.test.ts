import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { seedChannel, seedConnectorRow } from '../../test/connector.fixtures.js';
import { newId } from '../db/ids.js';
import { evaluateContractCheck } from '../domain/contract-check.js';
import { upsertCompanies, upsertServices } from '../lookups/lookup.repository.js';
import { testGuide } from '../psa/psa-guide.test-support.js';
import {
  findCompanyHolder,
  insertWorkspaceMapping,
  listServiceMappings,
  listUnmappedWorkspaces,
  listWorkspaceMappings,
  loadSyncMappings,
  saveCheckResult,
  upsertServiceMapping,
} from './mapping.repository.js';

const at = '2026-11-27T10:00:00.000Z';
const mappingRow = (connectorId: string, workspaceId: string, companyId: string) => ({
  id: newId(),
  connector_id: connectorId,
  workspace_id: workspaceId,
  psa_company_id: companyId,
  pinned_contract_id: null,
  check_status: null,
  check_json: null,
  checked_at: null,
  created_by: null,
  created_at: at,
  updated_at: at,
});

describe.skipIf(isDatabaseUnavailable())(`mapping repository (${testDialect()})`, () => {
  let database: TestDatabase;
  let connectorId: string;
  let channelId: string;
  let children: { id: string; name: string }[];

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ channelId, children } = await seedChannel(database.db, 'Northwind MSP', [
      'Acme Corporation',
      'Blue Harbor',
      'Cedar Ridge',
    ]));
    connectorId = await seedConnectorRow(database.db, channelId);
    await upsertCompanies(
      database.db,
      connectorId,
      [
        { id: '1', name: 'Acme Corporation', isActive: true, modifiedAt: null },
        { id: '2', name: 'Blue Harbor Logistics', isActive: false, modifiedAt: null },
        { id: '3', name: 'Zeta', isActive: true, modifiedAt: null },
      ],
      at,
    );
    await upsertServices(
      database.db,
      connectorId,
      [{ id: '10', name: 'Coro EDR', description: null, isActive: true, unitPrice: null, modifiedAt: null }],
      at,
    );
    await insertWorkspaceMapping(database.db, mappingRow(connectorId, children[0]!.id, '1'));
    await insertWorkspaceMapping(database.db, mappingRow(connectorId, children[1]!.id, '2'));
  });
  afterAll(async () => {
    await database.close();
  });

  it('enforces one company per workspace and one workspace per company in the database', async () => {
    await expect(
      insertWorkspaceMapping(database.db, mappingRow(connectorId, children[2]!.id, '1')),
    ).rejects.toThrow();
    await expect(
      insertWorkspaceMapping(database.db, mappingRow(connectorId, children[0]!.id, '3')),
    ).rejects.toThrow();
    await expect(
      insertWorkspaceMapping(database.db, mappingRow(connectorId, children[2]!.id, 'not-cached')),
    ).rejects.toThrow();
    expect(await findCompanyHolder(database.db, connectorId, '1')).toMatchObject({
      workspaceId: children[0]!.id,
      workspaceName: 'Acme Corporation',
    });
  });

  it('lists every child workspace with filters, search and sort', async () => {
    const options = { filter: 'all', sort: 'workspace', order: 'asc', limit: 50, offset: 0 } as const;
    const all = await listWorkspaceMappings(database.db, connectorId, channelId, options);
    expect(all.total).toBe(3);
    expect(all.items.map((i) => [i.workspaceName, i.mapping?.companyName ?? null])).toStrictEqual([
      ['Acme Corporation', 'Acme Corporation'],
      ['Blue Harbor', 'Blue Harbor Logistics'],
      ['Cedar Ridge', null],
    ]);
    expect(
      (
        await listWorkspaceMappings(database.db, connectorId, channelId, { ...options, filter: 'unmapped' })
      ).items.map((i) => i.workspaceName),
    ).toStrictEqual(['Cedar Ridge']);
    // Blue Harbor's company is inactive: a problem even before any contract check.
    expect(
      (
        await listWorkspaceMappings(database.db, connectorId, channelId, { ...options, filter: 'problems' })
      ).items.map((i) => i.workspaceName),
    ).toStrictEqual(['Blue Harbor']);
    expect(
      (
        await listWorkspaceMappings(database.db, connectorId, channelId, { ...options, q: 'logist' })
      ).items.map((i) => i.workspaceName),
    ).toStrictEqual(['Blue Harbor']);
    const desc = await listWorkspaceMappings(database.db, connectorId, channelId, {
      ...options,
      sort: 'company',
      order: 'desc',
      limit: 2,
    });
    expect(desc.items.map((i) => i.workspaceName)).toStrictEqual(['Blue Harbor', 'Acme Corporation']);
    expect(desc.total).toBe(3);
    expect(
      (await listUnmappedWorkspaces(database.db, connectorId, channelId)).map((w) => w.name),
    ).toStrictEqual(['Cedar Ridge']);
  });

  it('gives the sync engine workspaces, contract resolution and services', async () => {
    await upsertServiceMapping(database.db, {
      id: newId(),
      connector_id: connectorId,
      service_key: 'edr',
      psa_service_id: '10',
      billing_basis: 'devices',
      created_by: null,
      created_at: at,
      updated_at: at,
    });
    const mapping = (
      await listWorkspaceMappings(database.db, connectorId, channelId, {
        filter: 'mapped',
        sort: 'workspace',
        order: 'asc',
        limit: 1,
        offset: 0,
      })
    ).items[0]!.mapping!;
    const check = evaluateContractCheck({
      company: { id: '1', name: 'Acme Corporation', isActive: true },
      contracts: [
        {
          id: 'k1',
          name: 'Acme MSA',
          isActive: true,
          isRecurringService: true,
          startDate: '2026-01-01',
          endDate: '2027-12-31',
        },
      ],
      contractServices: [{ id: 'cs1', contractId: 'k1', serviceId: '10' }],
      mappedServices: [
        { serviceKey: 'edr', serviceName: 'EDR', psaServiceId: '10', psaServiceName: 'Coro EDR' },
      ],
      pinnedContractId: null,
      today: '2026-11-27',
      guide: testGuide,
    });
    await saveCheckResult(database.db, mapping.id, check, at);
    const sync = await loadSyncMappings(database.db, connectorId);
    expect(sync.services).toStrictEqual([{ serviceKey: 'edr', psaServiceId: '10', billingBasis: 'devices' }]);
    expect(sync.workspaces.find((w) => w.workspaceId === children[0]!.id)).toStrictEqual({
      workspaceId: children[0]!.id,
      psaCompanyId: '1',
      checkStatus: 'ok',
      pinnedContractId: null,
      contractId: 'k1',
      contractServiceIds: { edr: 'cs1' },
      isCompanyActive: true,
      checkedAt: at,
    });
    const services = await listServiceMappings(database.db, connectorId);
    expect(services.find((s) => s.serviceKey === 'edr')?.mapping).toMatchObject({
      psaServiceId: '10',
      psaServiceName: 'Coro EDR',
      billingBasis: 'devices',
    });
    expect(services.filter((s) => s.mapping === null).length).toBe(services.length - 1);
  });
});
