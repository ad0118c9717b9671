import { endpoints } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import {
  createConnector,
  deleteConnector,
  disconnectConnector,
  requireConnector,
  updateCredentials,
  verifyConnector,
} from '../../connectors/connector.service.js';
import { connectorView, listConnectorViews } from '../../connectors/connector.view.js';
import { findConnector } from '../../connectors/connector.repository.js';
import { requestLookupRefresh } from '../../lookups/lookup-refresh.trigger.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

const connectors = endpoints.connectors;

/** Control Panel → Connectors → PSA. Reads: any role; changes: admins; delete: super admin. */
export const connectorRoutes: RoutePlugin = (app, ctx) => {
  serve(app, connectors.list, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return { items: await listConnectorViews(ctx, request.params.channelId) };
  });

  serve(app, connectors.create, async (request, reply) => {
    await request.requireChannel(request.params.channelId, 'write');
    const connector = await createConnector(
      ctx,
      actorOf(request.principal),
      request.params.channelId,
      request.body,
    );
    await requestLookupRefresh(ctx, connector.id);
    return reply.status(201).send(connector);
  });

  serve(app, connectors.get, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return connectorView(
      ctx,
      await requireConnector(ctx, request.params.channelId, request.params.connectorId),
    );
  });

  serve(app, connectors.updateCredentials, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const before = await requireConnector(ctx, request.params.channelId, request.params.connectorId);
    const connector = await updateCredentials(
      ctx,
      actorOf(request.principal),
      request.params.channelId,
      request.params.connectorId,
      request.body,
    );
    // Another PSA tenant: the cached companies and services belong to the old one.
    const after = await findConnector(ctx.database.db, connector.id);
    if (after && after.tenant_id !== before.tenant_id) await requestLookupRefresh(ctx, connector.id);
    return connector;
  });

  serve(app, connectors.verify, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    return verifyConnector(
      ctx,
      actorOf(request.principal),
      request.params.channelId,
      request.params.connectorId,
    );
  });

  serve(app, connectors.disconnect, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    return disconnectConnector(
      ctx,
      actorOf(request.principal),
      request.params.channelId,
      request.params.connectorId,
    );
  });

  serve(app, connectors.remove, async (request) => {
    await request.requireChannel(request.params.channelId, 'admin');
    await deleteConnector(
      ctx,
      actorOf(request.principal),
      request.params.channelId,
      request.params.connectorId,
    );
    return { ok: true as const };
  });
};
