import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { seedChannel, seedConnectorRow, workspaceMappingRow } from '../../test/connector.fixtures.js';
import {
  countCompanies,
  InvalidCursorError,
  listUnmappedCompanies,
  markCompaniesMissing,
  searchCompanies,
  searchServices,
  upsertCompanies,
  upsertServices,
} from './lookup.repository.js';

const company = (id: string, name: string, isActive = true) => ({
  id,
  name,
  isActive,
  modifiedAt: '2026-11-01T00:00:00.000Z',
});

describe.skipIf(isDatabaseUnavailable())(`lookup repository (${testDialect()})`, () => {
  let database: TestDatabase;
  let connectorId: string;
  let otherConnectorId: string;
  let children: { id: string; name: string }[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const channel = await seedChannel(database.db, 'Northwind MSP', ['Acme Corporation', 'Zed']);
    children = channel.children;
    connectorId = await seedConnectorRow(database.db, channel.channelId);
    otherConnectorId = await seedConnectorRow(
      database.db,
      (await seedChannel(database.db, 'Other MSP')).channelId,
    );
    await upsertCompanies(
      database.db,
      connectorId,
      [
        company('1', 'Acme Corporation'),
        company('2', 'Blue Acme Partners'),
        company('3', 'ACME Labs', false),
        company('4', 'Zürich Bank'),
        company('5', '100% Organic'),
        company('6', 'Harbor_View'),
        company('7', 'HarborXView'),
      ],
      '2026-11-27T10:00:00.000Z',
    );
    await upsertCompanies(
      database.db,
      otherConnectorId,
      [company('1', 'Acme Elsewhere')],
      '2026-11-27T10:00:00.000Z',
    );
    await database.db
      .insertInto('workspace_mappings')
      .values(
        workspaceMappingRow({
          connectorId,
          workspaceId: children[0]!.id,
          psaCompanyId: '1',
          now: '2026-11-27T10:00:00.000Z',
        }),
      )
      .execute();
  });
  afterAll(async () => {
    await database.close();
  });

  it('finds by case-insensitive contains, prefix matches first, and shows the mapped workspace', async () => {
    const page = await searchCompanies(database.db, connectorId, { q: 'acme', limit: 10 });
    expect(page.items.map((c) => c.name)).toStrictEqual([
      'Acme Corporation',
      'ACME Labs',
      'Blue Acme Partners',
    ]);
    expect(page.items.find((c) => c.id === '1')?.mappedWorkspace).toStrictEqual({
      id: children[0]!.id,
      name: 'Acme Corporation',
    });
    expect(page.items.find((c) => c.id === '3')).toMatchObject({ isActive: false, mappedWorkspace: null });
    expect(page.nextCursor).toBeNull();
  });

  it('filters inactive companies on request', async () => {
    const page = await searchCompanies(database.db, connectorId, { q: 'acme', limit: 10, activeOnly: true });
    expect(page.items.map((c) => c.id)).toStrictEqual(['1', '2']);
  });

  it('ignores accents and treats % and _ literally', async () => {
    expect(
      (await searchCompanies(database.db, connectorId, { q: 'ZURICH', limit: 10 })).items.map((c) => c.id),
    ).toStrictEqual(['4']);
    expect(
      (await searchCompanies(database.db, connectorId, { q: '0%', limit: 10 })).items.map((c) => c.id),
    ).toStrictEqual(['5']);
    expect(
      (await searchCompanies(database.db, connectorId, { q: 'r_v', limit: 10 })).items.map((c) => c.id),
    ).toStrictEqual(['6']);
  });

  it('pages with a cursor without repeating or skipping', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page: Awaited<ReturnType<typeof searchCompanies>> = await searchCompanies(
        database.db,
        connectorId,
        { q: 'a', limit: 2, cursor },
      );
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const all = await searchCompanies(database.db, connectorId, { q: 'a', limit: 100 });
    expect(seen).toStrictEqual(all.items.map((c) => c.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(
      searchCompanies(database.db, connectorId, { limit: 2, cursor: 'garbage' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('keeps connectors apart', async () => {
    expect(
      (await searchCompanies(database.db, otherConnectorId, { q: 'acme', limit: 10 })).items.map(
        (c) => c.name,
      ),
    ).toStrictEqual(['Acme Elsewhere']);
  });

  it('updates on re-upsert and marks companies missing after a full refresh', async () => {
    await upsertCompanies(
      database.db,
      connectorId,
      [
        company('1', 'Acme Corporation'),
        company('2', 'Blue Acme Partners Renamed'),
        company('3', 'ACME Labs'),
        company('4', 'Zürich Bank'),
        company('5', '100% Organic'),
        company('6', 'Harbor_View'),
      ],
      '2026-11-27T11:00:00.000Z',
    );
    expect(await markCompaniesMissing(database.db, connectorId, '2026-11-27T11:00:00.000Z')).toBe(1);
    const names = (await searchCompanies(database.db, connectorId, { limit: 100 })).items.map((c) => c.name);
    expect(names).toContain('Blue Acme Partners Renamed');
    expect(names).not.toContain('HarborXView');
    expect(await countCompanies(database.db, connectorId)).toStrictEqual({ present: 6, active: 6 });
    expect((await listUnmappedCompanies(database.db, connectorId)).map((c) => c.id).sort()).toStrictEqual([
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
  });

  it('searches services the same way', async () => {
    await upsertServices(
      database.db,
      connectorId,
      [
        {
          id: '10',
          name: 'Coro Endpoint Security',
          description: null,
          isActive: true,
          unitPrice: 4.5,
          modifiedAt: null,
        },
        {
          id: '11',
          name: 'Managed Backup',
          description: 'noise',
          isActive: true,
          unitPrice: null,
          modifiedAt: null,
        },
      ],
      '2026-11-27T10:00:00.000Z',
    );
    const page = await searchServices(database.db, connectorId, { q: 'endpoint', limit: 10 });
    expect(page.items).toStrictEqual([
      {
        id: '10',
        name: 'Coro Endpoint Security',
        description: null,
        isActive: true,
        isPresent: true,
        unitPrice: 4.5,
        mappedServiceKey: null,
      },
    ]);
  });
});
