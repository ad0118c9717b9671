import { endpoints } from '@coro/contracts';

import { actorOf } from '../../auth/principal.js';
import { recordAudit } from '../../audit/audit.repository.js';
import { insertWorkspace, listChildren, updateWorkspace } from '../../workspaces/workspace.repository.js';
import { AppError } from '../../app/app-error.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

export const workspaceRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.workspaces.listChildren, async (request) => {
    const { workspace } = await request.requireChannel(request.params.channelId, 'read');
    const limit = request.query.limit ?? 50;
    const offset = request.query.offset ?? 0;
    const page = await listChildren(ctx.database.db, workspace.id, {
      limit,
      offset,
      search: request.query.search,
      status: request.query.status,
    });
    return { ...page, limit, offset };
  });

  serve(app, endpoints.workspaces.createChild, async (request, reply) => {
    const { workspace: channel } = await request.requireChannel(request.params.channelId, 'write');
    const now = ctx.clock().toISOString();
    const created = await ctx.database.db.transaction().execute(async (trx) => {
      const child = await insertWorkspace(
        trx,
        {
          kind: 'child',
          parentId: channel.id,
          displayName: request.body.displayName,
          companyName: request.body.companyName ?? null,
          status: request.body.status,
        },
        now,
      );
      await recordAudit(trx, {
        actor: actorOf(request.principal),
        workspaceId: channel.id,
        action: 'workspace.created',
        entity: 'workspace',
        entityId: child.id,
        after: child,
        at: now,
      });
      return child;
    });
    return reply.status(201).send(created);
  });

  serve(
    app,
    endpoints.workspaces.get,
    async (request) => (await request.requireWorkspace(request.params.id, 'read')).workspace,
  );

  serve(app, endpoints.workspaces.update, async (request) => {
    const { workspace, ancestors } = await request.requireWorkspace(request.params.id, 'write');
    if (workspace.kind !== 'child' && request.body.status !== undefined) {
      throw new AppError('validation_failed', 'Only child workspaces have a status.');
    }
    // Audited on the channel that owns the workspace, where admins look for it.
    const auditWorkspaceId = workspace.kind === 'child' ? (ancestors[0]?.id ?? workspace.id) : workspace.id;
    const now = ctx.clock().toISOString();
    return ctx.database.db.transaction().execute(async (trx) => {
      const updated = await updateWorkspace(trx, workspace.id, request.body, now);
      if (!updated) throw new AppError('not_found', 'Workspace not found.');
      await recordAudit(trx, {
        actor: actorOf(request.principal),
        workspaceId: auditWorkspaceId,
        action: 'workspace.updated',
        entity: 'workspace',
        entityId: workspace.id,
        before: workspace,
        after: updated,
        at: now,
      });
      return updated;
    });
  });
};
