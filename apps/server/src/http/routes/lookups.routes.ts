import {
  ConnectorParams,
  errorResponses,
  LookupSearchQuery,
  PsaCompanyPage,
  PsaServicePage,
  RefreshLookupsBody,
  RefreshLookupsResult,
} from '@coro/contracts';

import { requireConnector } from '../../connectors/connector.service.js';
import { InvalidCursorError, searchCompanies, searchServices } from '../../lookups/lookup.repository.js';
import { refreshLookups } from '../../lookups/lookup.service.js';
import { AppError } from '../app-error.js';
import type { RoutePlugin } from './route-plugin.js';

const tags = ['lookups'];

async function withCursor<T>(search: () => Promise<T>): Promise<T> {
  try {
    return await search();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new AppError('bad_request', 'The cursor is not valid; start again from the first page.');
    throw error;
  }
}

/** Cached Autotask companies and services: searched here, never in Autotask per keystroke. */
export const lookupRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/api/workspaces/:channelId/connectors/:connectorId/lookups/companies',
    {
      schema: {
        tags,
        params: ConnectorParams,
        querystring: LookupSearchQuery,
        response: { 200: PsaCompanyPage, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      await requireConnector(ctx, request.params.channelId, request.params.connectorId);
      const { q, limit, cursor, activeOnly } = request.query;
      const page = await withCursor(() =>
        searchCompanies(ctx.database.db, request.params.connectorId, {
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
    },
  );

  app.get(
    '/api/workspaces/:channelId/connectors/:connectorId/lookups/services',
    {
      schema: {
        tags,
        params: ConnectorParams,
        querystring: LookupSearchQuery,
        response: { 200: PsaServicePage, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      await requireConnector(ctx, request.params.channelId, request.params.connectorId);
      const { q, limit, cursor, activeOnly } = request.query;
      const page = await withCursor(() =>
        searchServices(ctx.database.db, request.params.connectorId, {
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
    },
  );

  app.post(
    '/api/workspaces/:channelId/connectors/:connectorId/lookups/refresh',
    {
      schema: {
        tags,
        params: ConnectorParams,
        body: RefreshLookupsBody,
        response: { 200: RefreshLookupsResult, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      await requireConnector(ctx, request.params.channelId, request.params.connectorId);
      return refreshLookups(ctx, request.params.connectorId, { full: request.body.full ?? false });
    },
  );
};
