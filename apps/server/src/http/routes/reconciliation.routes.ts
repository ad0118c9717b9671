import { endpoints } from '@coro/contracts';

import { requireConnector } from '../../connectors/connector.service.js';
import { reconciliationCsv } from '../../domain/reconciliation.js';
import { buildReconciliation } from '../../reconciliation/reconciliation.service.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

/** The monthly billing reconciliation of one connector: JSON for the console, CSV for the clerk. */
export const reconciliationRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.reconciliation.get, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    return buildReconciliation(
      ctx,
      request.params.connectorId,
      request.params.channelId,
      request.query.month,
    );
  });

  serve(app, endpoints.reconciliation.csv, async (request, reply) => {
    await request.requireChannel(request.params.channelId, 'read');
    await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const report = await buildReconciliation(
      ctx,
      request.params.connectorId,
      request.params.channelId,
      request.query.month,
    );
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="reconciliation-${report.month}.csv"`)
      .send(reconciliationCsv(report));
  });
};
