import { endpoints } from '@coro/contracts';

import { actorOf } from '../../auth/principal.js';
import { ingestUsage, latestUsageDay, usageForDay, usageSeries } from '../../usage/usage.repository.js';
import { AppError } from '../../app/app-error.js';
import { listCatalogServices } from '../../catalog/catalog.repository.js';
import { everyServiceOfDay, everyServiceSeries } from '../../usage/usage.view.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

const DEFAULT_RANGE_DAYS = 90;

export const usageRoutes: RoutePlugin = (app, ctx) => {
  const serviceKeys = async (): Promise<string[]> =>
    (await listCatalogServices(ctx.database.db)).map((service) => service.key);

  serve(
    app,
    endpoints.usage.ingest,
    async (request) => {
      const { workspace } = await request.requireChannel(request.params.channelId, 'write');
      return ingestUsage(ctx.database.db, {
        channelId: workspace.id,
        records: request.body.records,
        actor: actorOf(request.principal),
        source: request.principal?.kind === 'token' ? 'api' : 'console',
        now: ctx.clock(),
      });
    },
    { config: { tokenScopes: ['usage:write'] } },
  );

  serve(app, endpoints.usage.channelDay, async (request) => {
    const { workspace } = await request.requireChannel(request.params.channelId, 'read');
    const day = request.query.day ?? (await latestUsageDay(ctx.database.db, workspace.id));
    const rows = day === null ? [] : await usageForDay(ctx.database.db, workspace.id, day);
    return { channelId: workspace.id, day, rows: everyServiceOfDay(rows, await serviceKeys()) };
  });

  serve(app, endpoints.usage.series, async (request) => {
    const { workspace } = await request.requireWorkspace(request.params.id, 'read');
    const to = request.query.to ?? ctx.clock().toISOString().slice(0, 10);
    const from =
      request.query.from ??
      new Date(new Date(`${to}T00:00:00Z`).getTime() - (DEFAULT_RANGE_DAYS - 1) * 86_400_000)
        .toISOString()
        .slice(0, 10);
    if (from > to) throw new AppError('validation_failed', '`from` must not be after `to`.');
    // Read every service: the days a report exists come from all of them, not only the asked ones.
    const stored = await usageSeries(ctx.database.db, workspace.id, { from, to });
    const series = everyServiceSeries(stored, await serviceKeys(), request.query.serviceKey);
    return { workspaceId: workspace.id, from, to, series };
  });
};
