import { endpoints } from '@coro/contracts';
import { listCatalogServices } from '../../catalog/catalog.repository.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

export const catalogRoutes: RoutePlugin = (app, ctx) => {
  // Any signed-in user: the catalog is the same for every channel.
  serve(app, endpoints.catalog.services, async (request) => {
    request.requireUser();
    return { items: await listCatalogServices(ctx.database.db) };
  });
};
