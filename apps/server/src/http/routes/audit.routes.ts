import { AuditPage, AuditQuery, errorResponses } from '@coro/contracts';
import { Type } from 'typebox';

import { listAudit } from '../../audit/audit.repository.js';
import type { RoutePlugin } from './route-plugin.js';
import { WorkspaceParams } from '@coro/contracts';

const ChannelIdParams = Type.Object({ channelId: WorkspaceParams.properties.id });

export const auditRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/api/workspaces/:channelId/audit',
    {
      schema: {
        tags: ['audit'],
        params: ChannelIdParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (request) => {
      const { workspace } = await request.requireWorkspace(request.params.channelId, 'read');
      const limit = request.query.limit ?? 50;
      const offset = request.query.offset ?? 0;
      const page = await listAudit(ctx.database.db, workspace.id, {
        limit,
        offset,
        entity: request.query.entity,
        action: request.query.action,
      });
      return { ...page, limit, offset };
    },
  );
};
