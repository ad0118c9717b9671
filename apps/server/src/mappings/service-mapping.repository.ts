import type { Kysely, Selectable } from 'kysely';

import type { DB } from '../db/schema.js';
import type { ServiceMappingsTable } from '../db/tables/connector.tables.js';
import { fromFlag } from '../db/ids.js';

export type ServiceMappingRow = Selectable<ServiceMappingsTable>;

export interface ServiceMappingListItem {
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly serviceKind: string;
  readonly defaultBillingBasis: string;
  readonly mapping: {
    readonly id: string;
    readonly psaServiceId: string;
    readonly psaServiceName: string;
    readonly isPsaServiceActive: boolean;
    readonly isPsaServicePresent: boolean;
    readonly billingBasis: string;
    readonly updatedAt: string;
  } | null;
}

/** Every active Coro service of the catalog with its mapping on this connector, in catalog order. */
export async function listServiceMappings(
  db: Kysely<DB>,
  connectorId: string,
): Promise<ServiceMappingListItem[]> {
  const rows = await db
    .selectFrom('catalog_services as k')
    .leftJoin('service_mappings as m', (join) =>
      join.onRef('m.service_key', '=', 'k.key').on('m.connector_id', '=', connectorId),
    )
    .leftJoin('psa_services as s', (join) =>
      join.onRef('s.connector_id', '=', 'm.connector_id').onRef('s.psa_id', '=', 'm.psa_service_id'),
    )
    .select([
      'k.key',
      'k.name',
      'k.kind',
      'k.billing_basis as default_basis',
      'm.id as mapping_id',
      'm.psa_service_id',
      'm.billing_basis',
      'm.updated_at',
      's.name as psa_name',
      's.is_active',
      's.is_present',
    ])
    .where('k.is_active', '=', 1)
    .orderBy('k.sort_order')
    .orderBy('k.key')
    .execute();
  return rows.map((r) => ({
    serviceKey: r.key,
    serviceName: r.name,
    serviceKind: r.kind,
    defaultBillingBasis: r.default_basis,
    mapping:
      r.mapping_id && r.psa_service_id && r.billing_basis && r.updated_at
        ? {
            id: r.mapping_id,
            psaServiceId: r.psa_service_id,
            psaServiceName: r.psa_name ?? '',
            isPsaServiceActive: fromFlag(r.is_active),
            isPsaServicePresent: fromFlag(r.is_present),
            billingBasis: r.billing_basis,
            updatedAt: r.updated_at,
          }
        : null,
  }));
}

export async function findCatalogService(
  db: Kysely<DB>,
  serviceKey: string,
): Promise<{ key: string; name: string; billingBasis: string } | undefined> {
  const row = await db
    .selectFrom('catalog_services')
    .select(['key', 'name', 'billing_basis'])
    .where('key', '=', serviceKey)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  return row ? { key: row.key, name: row.name, billingBasis: row.billing_basis } : undefined;
}

export async function findServiceMapping(
  db: Kysely<DB>,
  connectorId: string,
  serviceKey: string,
): Promise<ServiceMappingRow | undefined> {
  return db
    .selectFrom('service_mappings')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .where('service_key', '=', serviceKey)
    .executeTakeFirst();
}

export async function findPsaServiceHolder(
  db: Kysely<DB>,
  connectorId: string,
  psaServiceId: string,
): Promise<{ serviceKey: string; serviceName: string } | undefined> {
  const row = await db
    .selectFrom('service_mappings as m')
    .innerJoin('catalog_services as k', 'k.key', 'm.service_key')
    .select(['m.service_key', 'k.name'])
    .where('m.connector_id', '=', connectorId)
    .where('m.psa_service_id', '=', psaServiceId)
    .executeTakeFirst();
  return row ? { serviceKey: row.service_key, serviceName: row.name } : undefined;
}

export async function upsertServiceMapping(db: Kysely<DB>, row: ServiceMappingRow): Promise<void> {
  await db
    .insertInto('service_mappings')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['connector_id', 'service_key']).doUpdateSet({
        psa_service_id: row.psa_service_id,
        billing_basis: row.billing_basis,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deleteServiceMapping(db: Kysely<DB>, mappingId: string): Promise<void> {
  await db.deleteFrom('service_mappings').where('id', '=', mappingId).execute();
}

/** Present, active PSA services no Coro service is mapped to: the candidates for suggestions. */
export async function listUnmappedPsaServices(
  db: Kysely<DB>,
  connectorId: string,
): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('psa_services as s')
    .leftJoin('service_mappings as m', (join) =>
      join.onRef('m.connector_id', '=', 's.connector_id').onRef('m.psa_service_id', '=', 's.psa_id'),
    )
    .select(['s.psa_id', 's.name'])
    .where('s.connector_id', '=', connectorId)
    .where('s.is_present', '=', 1)
    .where('s.is_active', '=', 1)
    .where('m.id', 'is', null)
    .orderBy('s.psa_id')
    .execute();
  return rows.map((r) => ({ id: r.psa_id, name: r.name }));
}
