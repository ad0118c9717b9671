import { endpoints, type SyncProgress, type SyncRun } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import { recordAudit } from '../../audit/audit.repository.js';
import { requireConnector } from '../../connectors/connector.service.js';
import { newId } from '../../db/ids.js';
import { isValidTimeZone } from '../../domain/billing-policy.js';
import { requestSyncNow } from '../../jobs/sync-now.js';
import {
  approveHeldLines,
  getSyncSettings,
  putSyncSettings,
  runSync,
  syncProgressHub,
} from '../../sync/index.js';
import type { SyncRunRow } from '../../sync/sync-run.repository.js';
import { syncLinesCsvPages } from '../../sync/sync-run.csv.js';
import { toSyncProgress, toSyncRun } from '../../sync/sync-run.view.js';
import { applyPreview, makePreview, runDetail } from '../../sync/sync-preview.service.js';
import { Readable } from 'node:stream';

import type { AppContext } from '../../app/app-context.js';
import { AppError } from '../../app/app-error.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';
import { createQueuedSyncRun, getSyncRun, listSyncRuns } from '../../sync/sync-run.repository.js';

async function requireRun(ctx: AppContext, connectorId: string, runId: string): Promise<SyncRunRow> {
  const run = await getSyncRun(ctx.database.db, runId);
  if (!run || run.connector_id !== connectorId) throw new AppError('not_found', 'No such sync run.');
  return run;
}

/** Sync of one connector (HTTP wiring only; views and CSV live in sync/): settings, preview, run now, history, live progress, approvals, export. */
export const syncRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.sync.settings, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    return getSyncSettings(ctx.database.db, request.params.connectorId);
  });

  serve(app, endpoints.sync.putSettings, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    if (!isValidTimeZone(request.body.policy.timeZone)) {
      throw new AppError('validation_failed', `Unknown time zone "${request.body.policy.timeZone}".`);
    }
    const actor = actorOf(request.principal);
    const now = ctx.clock().toISOString();
    const before = await getSyncSettings(ctx.database.db, request.params.connectorId);
    const { guardrails } = request.body.policy;
    const after = await putSyncSettings(
      ctx.database.db,
      request.params.connectorId,
      {
        ...request.body,
        policy: {
          ...request.body.policy,
          // Older clients send two guardrails: the third keeps its current value.
          guardrails: {
            ...guardrails,
            maxPercentDecrease:
              guardrails.maxPercentDecrease === undefined
                ? before.policy.guardrails.maxPercentDecrease
                : guardrails.maxPercentDecrease,
          },
        },
      },
      actor.label,
      now,
    );
    await recordAudit(ctx.database.db, {
      actor,
      workspaceId: request.params.channelId,
      action: 'sync.settings_updated',
      entity: 'connector',
      entityId: request.params.connectorId,
      before: {
        policy: before.policy,
        isScheduleEnabled: before.isScheduleEnabled,
        isAwaitingFirstReviewedSync: before.isAwaitingFirstReviewedSync,
        scheduleTime: before.scheduleTime,
      },
      after: {
        policy: after.policy,
        isScheduleEnabled: after.isScheduleEnabled,
        isAwaitingFirstReviewedSync: after.isAwaitingFirstReviewedSync,
        scheduleTime: after.scheduleTime,
      },
      at: now,
    });
    return after;
  });

  serve(app, endpoints.sync.preview, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const run = await makePreview(ctx, request.params.connectorId, actorOf(request.principal).label);
    return runDetail(ctx, run, { limit: 5000, offset: 0 });
  });

  // Apply a reviewed preview exactly (issue 10): 202 with the apply run, or 409 `preview_stale`
  // with a fresh preview and what changed; nothing is written then.
  serve(app, endpoints.sync.apply, async (request, reply) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const preview = await requireRun(ctx, request.params.connectorId, request.params.runId);
    const actor = actorOf(request.principal);
    const started = await applyPreview(ctx, preview, actor.label);
    await recordAudit(ctx.database.db, {
      actor,
      workspaceId: request.params.channelId,
      action: 'sync.preview_applied',
      entity: 'sync_run',
      entityId: started.runId,
      after: { previewRunId: preview.id, connectorId: request.params.connectorId },
      at: ctx.clock().toISOString(),
    });
    return reply.status(202).send(started);
  });

  serve(app, endpoints.sync.start, async (request, reply) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const connectorId = request.params.connectorId;
    const requestedBy = actorOf(request.principal).label;
    const queue = ctx.jobs;
    if (queue) {
      const started = await requestSyncNow(ctx.database.db, queue, connectorId);
      if (!started.isExisting && started.runId) {
        await createQueuedSyncRun(ctx.database.db, {
          id: started.runId,
          connectorId,
          mode: 'apply',
          trigger: 'manual',
          requestedBy,
          now: ctx.clock().toISOString(),
        });
      }
      return reply.status(202).send({ runId: started.runId, isExisting: started.isExisting });
    }
    // No queue (tests, single-shot tools): run in this process; the run row is the handle.
    const runId = newId();
    await createQueuedSyncRun(ctx.database.db, {
      id: runId,
      connectorId,
      mode: 'apply',
      trigger: 'manual',
      requestedBy,
      now: ctx.clock().toISOString(),
    });
    void runSync(ctx, { connectorId, mode: 'apply', trigger: 'manual', runId, requestedBy }).catch(
      (error: unknown) => {
        ctx.logger.error({ err: error, runId }, 'background sync failed');
      },
    );
    return reply.status(202).send({ runId, isExisting: false });
  });

  serve(app, endpoints.sync.runs, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const limit = request.query.limit ?? 50;
    const offset = request.query.offset ?? 0;
    const page = await listSyncRuns(ctx.database.db, request.params.connectorId, limit, offset);
    return { items: page.items.map(toSyncRun), total: page.total, limit, offset };
  });

  serve(app, endpoints.sync.run, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const run = await requireRun(ctx, request.params.connectorId, request.params.runId);
    return runDetail(ctx, run, {
      ...request.query,
      limit: request.query.limit ?? 500,
      offset: request.query.offset ?? 0,
    });
  });

  serve(app, endpoints.sync.exportCsv, async (request, reply) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const run = await requireRun(ctx, request.params.connectorId, request.params.runId);
    return (
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="sync-${run.effective_date ?? 'run'}-${run.id}.csv"`,
        )
        // The documented 200 body (one CSV string), streamed page by page.
        .send(Readable.from(syncLinesCsvPages(ctx.database.db, run.id)))
    );
  });

  serve(app, endpoints.sync.approve, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    await requireRun(ctx, request.params.connectorId, request.params.runId);
    return approveHeldLines(ctx, request.params.runId, request.body.lineIds, actorOf(request.principal));
  });

  // Server-sent events: `progress` while the run works, one `done` at the end. Events come from
  // this process's hub; a run executed by another worker process is followed by polling its row.
  // On shutdown the open streams end first (preClose), or closing the server would wait on them
  // for the whole grace period; the console's EventSource reconnects to the next process.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of openStreams) end();
    done();
  });
  serve(app, endpoints.sync.events, async (request, reply) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const first = await requireRun(ctx, request.params.connectorId, request.params.runId);
    const runId = first.id;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    const send = (event: string, data: SyncProgress | SyncRun): void => {
      if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const finish = (run: SyncRun): void => {
      send('done', run);
      stop();
      raw.end();
    };
    const isFinal = (status: string): boolean =>
      status === 'succeeded' || status === 'partial' || status === 'failed';
    const unsubscribe = syncProgressHub.subscribe(runId, (event) => {
      send('progress', event);
      if (event.phase === 'finished' && event.status) {
        void getSyncRun(ctx.database.db, runId).then((row) => row && finish(toSyncRun(row)));
      }
    });
    const poll = setInterval(() => {
      void getSyncRun(ctx.database.db, runId).then((row) => {
        if (!row) return;
        if (isFinal(row.status)) finish(toSyncRun(row));
        else if (!syncProgressHub.last(runId)) send('progress', toSyncProgress(row));
      });
    }, 1_000);
    const stop = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(poll);
      openStreams.delete(endStream);
    };
    const endStream = (): void => {
      stop();
      raw.end();
    };
    openStreams.add(endStream);
    request.raw.on('close', stop);
    if (isFinal(first.status)) finish(toSyncRun(first));
    else send('progress', syncProgressHub.last(runId) ?? toSyncProgress(first));
  });
};
