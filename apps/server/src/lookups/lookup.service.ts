import type { RefreshLookupsResult } from '@coro/contracts';

import { markConnectorError, isCredentialFailure, openConnection } from '../connectors/connector.service.js';
import { updateConnector } from '../connectors/connector.repository.js';
import type { AppContext } from '../app/app-context.js';
import { appErrorFromPsa } from '../app/app-error.js';
import type { PsaError } from '../psa/psa-provider.port.js';
import {
  countCompanies,
  markCompaniesMissing,
  markServicesMissing,
  upsertCompanies,
  upsertServices,
} from './lookup.repository.js';

export interface RefreshLookupsOptions {
  /** Re-read every company and mark the ones that are gone; otherwise only changes since the last refresh. */
  readonly full?: boolean;
}

async function fail(ctx: AppContext, connectorId: string, error: PsaError): Promise<never> {
  if (isCredentialFailure(error)) await markConnectorError(ctx, connectorId, error);
  throw appErrorFromPsa(error);
}

/**
 * Refreshes a connector's cached PSA companies and services, the data the mapping pages search
 * (so typing in a picker never calls the PSA). Companies: incremental by last-modified when a
 * previous refresh left a watermark, full otherwise or on request; a full refresh marks companies
 * it no longer finds as gone. Services are few: always read in full.
 *
 * Called by the lookup-refresh job and by `POST …/lookups/refresh`. Each page is written as it
 * arrives, so a refresh that fails half-way keeps what it read and leaves the watermark where it
 * was (the next run reads those changes again). Throws `AppError` with a `psa_*` code on failure;
 * credential failures also put the connector in `error`.
 */
export async function refreshLookups(
  ctx: AppContext,
  connectorId: string,
  options: RefreshLookupsOptions = {},
): Promise<RefreshLookupsResult> {
  const { connection, connector } = await openConnection(ctx, connectorId);
  const db = ctx.database.db;
  const startedAt = ctx.clock().toISOString();
  const isFull = options.full === true || connector.companies_watermark === null;
  try {
    let upserted = 0;
    let watermark = connector.companies_watermark;
    const pages = connection.listCompanies(isFull || watermark === null ? {} : { modifiedSince: watermark });
    for await (const page of pages) {
      if (!page.ok) return await fail(ctx, connectorId, page.error);
      await upsertCompanies(db, connectorId, page.value, startedAt);
      upserted += page.value.length;
      for (const company of page.value) {
        if (company.modifiedAt !== null && (watermark === null || company.modifiedAt > watermark))
          watermark = company.modifiedAt;
      }
    }
    const missing = isFull ? await markCompaniesMissing(db, connectorId, startedAt) : 0;

    const services = await connection.listServices();
    if (!services.ok) return await fail(ctx, connectorId, services.error);
    await upsertServices(db, connectorId, services.value, startedAt);
    const missingServices = await markServicesMissing(db, connectorId, startedAt);

    const finishedAt = ctx.clock().toISOString();
    await updateConnector(db, connectorId, {
      companies_refreshed_at: finishedAt,
      companies_watermark: watermark,
      services_refreshed_at: finishedAt,
    });
    const totals = await countCompanies(db, connectorId);
    ctx.logger.info(
      {
        connectorId,
        mode: isFull ? 'full' : 'incremental',
        companies: upserted,
        missing,
        services: services.value.length,
      },
      'lookups refreshed',
    );
    return {
      companies: { mode: isFull ? 'full' : 'incremental', upserted, missing, total: totals.present },
      services: { upserted: services.value.length, missing: missingServices },
      refreshedAt: finishedAt,
    };
  } finally {
    await connection.close();
  }
}
