import { CatalogServiceList, errorResponses } from '@coro/contracts';

import { listCatalogServices } from '../../catalog/catalog.repository.js';
import type { RoutePlugin } from './route-plugin.js';

export const catalogRoutes: RoutePlugin = (app, ctx) => {
  // Any signed-in user: the catalog is the same for every channel.
  app.get(
    '/api/catalog/services',
    { schema: { tags: ['catalog'], response: { 200: CatalogServiceList, ...errorResponses } } },
    async (request) => {
      request.requireUser();
      return { items: await listCatalogServices(ctx.database.db) };
    },
  );
};
