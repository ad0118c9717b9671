import { endpoints } from '@coro/contracts';

import { listAudit } from '../../audit/audit.repository.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

export const auditRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.workspaces.audit, async (request) => {
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
  });
};
