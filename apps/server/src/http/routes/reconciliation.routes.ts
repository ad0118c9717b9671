import { ConnectorParams, Reconciliation, ReconciliationQuery, errorResponses } from '@coro/contracts';
import { Type } from 'typebox';

import { requireConnector } from '../../connectors/connector.service.js';
import { reconciliationCsv } from '../../domain/reconciliation.js';
import { buildReconciliation } from '../../reconciliation/reconciliation.service.js';
import type { RoutePlugin } from './route-plugin.js';

const tags = ['reconciliation'];
const base = '/api/workspaces/:channelId/connectors/:connectorId/reconciliation';

/** The monthly billing reconciliation of one connector: JSON for the console, CSV for the clerk. */
export const reconciliationRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    base,
    {
      schema: {
        tags,
        description:
          'One row per mapped company × service for the month: Coro count vs PSA units per sub-period, adjustments written, manual changes, estimated charge; disagreeing rows first; totals and previous-month comparison. Reads the PSA.',
        params: ConnectorParams,
        querystring: ReconciliationQuery,
        response: { 200: Reconciliation, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      await requireConnector(ctx, request.params.channelId, request.params.connectorId);
      return buildReconciliation(
        ctx,
        request.params.connectorId,
        request.params.channelId,
        request.query.month,
      );
    },
  );

  app.get(
    `${base}.csv`,
    {
      schema: {
        tags,
        params: ConnectorParams,
        querystring: ReconciliationQuery,
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (request, reply) => {
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
    },
  );
};
