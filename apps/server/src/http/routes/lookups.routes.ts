import { endpoints, type ConnectorParams, type LookupSearchQuery } from '@coro/contracts';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';

import { requireConnector } from '../../connectors/connector.service.js';
import type { DB } from '../../db/schema.js';
import {
  InvalidCursorError,
  searchCompanies,
  searchServices,
  type SearchOptions,
  type SearchPage,
} from '../../lookups/lookup.repository.js';
import { refreshLookups } from '../../lookups/lookup.service.js';
import type { AppContext } from '../../app/app-context.js';
import { AppError } from '../../app/app-error.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

async function withCursor<T>(search: () => Promise<T>): Promise<T> {
  try {
    return await search();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new AppError('bad_request', 'The cursor is not valid; start again from the first page.');
    throw error;
  }
}

/** The repository's search for one lookup; its items carry `isPresent`, which is not sent. */
type LookupSearch<TItem extends { readonly isPresent: boolean }> = (
  db: Kysely<DB>,
  connectorId: string,
  options: SearchOptions,
) => Promise<SearchPage<TItem>>;

/** One page of a lookup search, without `isPresent`, after the caller's read permission. */
async function lookupPage<TItem extends { readonly isPresent: boolean }>(
  ctx: AppContext,
  request: FastifyRequest<{ Params: ConnectorParams; Querystring: LookupSearchQuery }>,
  search: LookupSearch<TItem>,
): Promise<{ items: Omit<TItem, 'isPresent'>[]; nextCursor: string | null }> {
  await request.requireChannel(request.params.channelId, 'read');
  await requireConnector(ctx, request.params.channelId, request.params.connectorId);
  const { q, limit, cursor, activeOnly } = request.query;
  const page = await withCursor(() =>
    search(ctx.database.db, request.params.connectorId, {
      q: q ?? '',
      limit: limit ?? 25,
      cursor: cursor ?? null,
      activeOnly: activeOnly ?? false,
    }),
  );
  return {
    items: page.items.map(({ isPresent: _isPresent, ...item }) => item),
    nextCursor: page.nextCursor,
  };
}

/** Cached Autotask companies and services: searched here, never in Autotask per keystroke. */
export const lookupRoutes: RoutePlugin = (app, ctx) => {
  // Registered from the endpoints (new and legacy path): before, only the legacy path was
  // served, so `/api/channels/…/lookups/{companies,services}` answered 404.
  serve(app, endpoints.lookups.companies, (request) => lookupPage(ctx, request, searchCompanies));
  serve(app, endpoints.lookups.services, (request) => lookupPage(ctx, request, searchServices));

  serve(app, endpoints.lookups.refresh, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    return refreshLookups(ctx, request.params.connectorId, { full: request.body.full ?? false });
  });
};
