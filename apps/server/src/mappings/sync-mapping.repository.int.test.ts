import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { newId } from '../db/ids.js';
import { evaluateContractCheck } from '../domain/contract-check.js';
import { testGuide } from '../psa/psa-guide.test-support.js';
import { saveCheckResult } from './contract-check.repository.js';
import { at, seedMappingFixture } from './mapping.test-support.js';
import { listServiceMappings, upsertServiceMapping } from './service-mapping.repository.js';
import { loadSyncMappings } from './sync-mapping.repository.js';
import { listWorkspaceMappings } from './workspace-mapping.repository.js';

describe.skipIf(isDatabaseUnavailable())(`sync mapping repository (${testDialect()})`, () => {
  let database: TestDatabase;
  let connectorId: string;
  let channelId: string;
  let children: { id: string; name: string }[];

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ channelId, connectorId, children } = await seedMappingFixture(database.db));
  });
  afterAll(async () => {
    await database.close();
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
