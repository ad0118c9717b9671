import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { mappingRow, seedMappingFixture } from './mapping.test-support.js';
import {
  findCompanyHolder,
  insertWorkspaceMapping,
  listUnmappedWorkspaces,
  listWorkspaceMappings,
} from './workspace-mapping.repository.js';

describe.skipIf(isDatabaseUnavailable())(`workspace mapping repository (${testDialect()})`, () => {
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
});
