import {
  ChannelParams,
  ChannelUsage,
  ChannelUsageQuery,
  UsageIngestBody,
  UsageIngestResult,
  UsageSeries,
  UsageSeriesQuery,
  WorkspaceParams,
  errorResponses,
} from '@coro/contracts';

import { actorOf } from '../../auth/principal.js';
import { ingestUsage, latestUsageDay, usageForDay, usageSeries } from '../../usage/usage.repository.js';
import { AppError } from '../../app/app-error.js';
import type { RoutePlugin } from './route-plugin.js';

const DEFAULT_RANGE_DAYS = 90;

export const usageRoutes: RoutePlugin = (app, ctx) => {
  app.put(
    '/api/channels/:channelId/usage',
    {
      schema: {
        tags: ['usage'],
        description:
          'Idempotent batch upsert of daily usage; all rows or none. Machine token (usage:write) or an admin session.',
        params: ChannelParams,
        body: UsageIngestBody,
        response: { 200: UsageIngestResult, ...errorResponses },
      },
      config: { tokenScopes: ['usage:write'] },
    },
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
  );

  app.get(
    '/api/channels/:channelId/usage',
    {
      schema: {
        tags: ['usage'],
        params: ChannelParams,
        querystring: ChannelUsageQuery,
        response: { 200: ChannelUsage, ...errorResponses },
      },
    },
    async (request) => {
      const { workspace } = await request.requireChannel(request.params.channelId, 'read');
      const day = request.query.day ?? (await latestUsageDay(ctx.database.db, workspace.id));
      const rows = day === null ? [] : await usageForDay(ctx.database.db, workspace.id, day);
      return { channelId: workspace.id, day, rows };
    },
  );

  app.get(
    '/api/workspaces/:id/usage',
    {
      schema: {
        tags: ['usage'],
        params: WorkspaceParams,
        querystring: UsageSeriesQuery,
        response: { 200: UsageSeries, ...errorResponses },
      },
    },
    async (request) => {
      const { workspace } = await request.requireWorkspace(request.params.id, 'read');
      const to = request.query.to ?? ctx.clock().toISOString().slice(0, 10);
      const from =
        request.query.from ??
        new Date(new Date(`${to}T00:00:00Z`).getTime() - (DEFAULT_RANGE_DAYS - 1) * 86_400_000)
          .toISOString()
          .slice(0, 10);
      if (from > to) throw new AppError('validation_failed', '`from` must not be after `to`.');
      const series = await usageSeries(ctx.database.db, workspace.id, {
        from,
        to,
        serviceKeys: request.query.serviceKey,
      });
      return { workspaceId: workspace.id, from, to, series };
    },
  );
};
