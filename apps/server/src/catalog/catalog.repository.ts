import type { Kysely } from 'kysely';
import type { BillingBasis, CatalogService, ServiceKind } from '@coro/contracts';

import type { DB } from '../db/schema.js';

/** Active Coro services in console order. */
export async function listCatalogServices(db: Kysely<DB>): Promise<CatalogService[]> {
  const rows = await db
    .selectFrom('catalog_services')
    .select(['key', 'name', 'kind', 'billing_basis'])
    .where('is_active', '=', 1)
    .orderBy('sort_order')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    kind: r.kind as ServiceKind,
    billingBasis: r.billing_basis as BillingBasis,
  }));
}
