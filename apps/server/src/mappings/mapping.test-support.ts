import type { Kysely } from 'kysely';

import { seedChannel, seedConnectorRow, workspaceMappingRow } from '../../test/connector.fixtures.js';
import type { DB } from '../db/schema.js';
import { upsertCompanies, upsertServices } from '../lookups/lookup.repository.js';
import { insertWorkspaceMapping } from './workspace-mapping.repository.js';

export const at = '2026-11-27T10:00:00.000Z';

export const mappingRow = (connectorId: string, workspaceId: string, companyId: string) =>
  workspaceMappingRow({ connectorId, workspaceId, psaCompanyId: companyId, now: at });

/**
 * The mapping repositories' shared fixture: a channel with three children, three cached companies
 * (one inactive), one cached service, and the first two children mapped (Acme → 1, Blue Harbor → 2).
 */
export async function seedMappingFixture(db: Kysely<DB>): Promise<{
  channelId: string;
  connectorId: string;
  children: { id: string; name: string }[];
}> {
  const { channelId, children } = await seedChannel(db, 'Northwind MSP', [
    'Acme Corporation',
    'Blue Harbor',
    'Cedar Ridge',
  ]);
  const connectorId = await seedConnectorRow(db, channelId);
  await upsertCompanies(
    db,
    connectorId,
    [
      { id: '1', name: 'Acme Corporation', isActive: true, modifiedAt: null },
      { id: '2', name: 'Blue Harbor Logistics', isActive: false, modifiedAt: null },
      { id: '3', name: 'Zeta', isActive: true, modifiedAt: null },
    ],
    at,
  );
  await upsertServices(
    db,
    connectorId,
    [{ id: '10', name: 'Coro EDR', description: null, isActive: true, unitPrice: null, modifiedAt: null }],
    at,
  );
  const [acme, blueHarbor] = children;
  if (!acme || !blueHarbor) throw new Error('seedChannel returned fewer children than asked for');
  await insertWorkspaceMapping(db, mappingRow(connectorId, acme.id, '1'));
  await insertWorkspaceMapping(db, mappingRow(connectorId, blueHarbor.id, '2'));
  return { channelId, connectorId, children };
}
