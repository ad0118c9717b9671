import { endpoints } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import { requireConnector } from '../../connectors/connector.service.js';
import { AppError } from '../../app/app-error.js';
import { previewRunUndo, startRunUndo } from '../../sync/index.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';
import { getSyncRun } from '../../sync/sync-run.repository.js';

/**
 * Undo of an applied run (issue 10): preview what the opposing adjustments would be (PSA re-read,
 * conflicts named), then start the undo run. Both need the channel's write role, like a sync.
 */
export const undoRoutes: RoutePlugin = (app, ctx) => {
  const requireRun = async (connectorId: string, runId: string): Promise<void> => {
    const run = await getSyncRun(ctx.database.db, runId);
    if (!run || run.connector_id !== connectorId) throw new AppError('not_found', 'No such sync run.');
  };

  serve(app, endpoints.sync.undoPreview, async (request) => {
    const { channelId, connectorId, runId } = request.params;
    await request.requireChannel(channelId, 'write');
    await requireConnector(ctx, channelId, connectorId);
    await requireRun(connectorId, runId);
    return previewRunUndo(ctx, { originalRunId: runId, ...request.body });
  });

  serve(app, endpoints.sync.undo, async (request, reply) => {
    const { channelId, connectorId, runId } = request.params;
    await request.requireChannel(channelId, 'write');
    await requireConnector(ctx, channelId, connectorId);
    await requireRun(connectorId, runId);
    const started = await startRunUndo(ctx, {
      originalRunId: runId,
      ...request.body,
      actor: actorOf(request.principal),
      trigger: 'manual',
    });
    // Followed like any run (GET …/runs/:runId, its events); a failure is the run's own status.
    started.done.catch((error: unknown) => {
      ctx.logger.error({ err: error, runId: started.runId }, 'background undo failed');
    });
    return reply.status(202).send({ runId: started.runId, undoOfRunId: runId });
  });
};
