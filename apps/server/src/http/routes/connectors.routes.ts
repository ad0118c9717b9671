import {
  ConfirmBody,
  Connector,
  ConnectorList,
  ConnectorParams,
  CreateConnectorBody,
  ChannelParams,
  errorResponses,
  Ok,
  UpdateCredentialsBody,
} from '@coro/contracts';

import { actorOf } from '../../auth/principal.js';
import {
  createConnector,
  connectorView,
  deleteConnector,
  disconnectConnector,
  listConnectorViews,
  requireConnector,
  updateCredentials,
  verifyConnector,
} from '../../connectors/connector.service.js';
import { findConnector } from '../../connectors/connector.repository.js';
import { requestLookupRefresh } from '../../lookups/lookup-refresh.trigger.js';
import type { RoutePlugin } from './route-plugin.js';

const tags = ['connectors'];

/** Control Panel → Connectors → PSA. Reads: any role; changes: admins; delete: super admin. */
export const connectorRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/api/workspaces/:channelId/connectors',
    { schema: { tags, params: ChannelParams, response: { 200: ConnectorList, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return { items: await listConnectorViews(ctx, request.params.channelId) };
    },
  );

  app.post(
    '/api/workspaces/:channelId/connectors',
    {
      schema: {
        tags,
        params: ChannelParams,
        body: CreateConnectorBody,
        response: { 201: Connector, ...errorResponses },
      },
    },
    async (request, reply) => {
      await request.requireChannel(request.params.channelId, 'write');
      const connector = await createConnector(
        ctx,
        actorOf(request.principal),
        request.params.channelId,
        request.body,
      );
      await requestLookupRefresh(ctx, connector.id);
      return reply.status(201).send(connector);
    },
  );

  app.get(
    '/api/workspaces/:channelId/connectors/:connectorId',
    { schema: { tags, params: ConnectorParams, response: { 200: Connector, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return connectorView(
        ctx,
        await requireConnector(ctx, request.params.channelId, request.params.connectorId),
      );
    },
  );

  app.put(
    '/api/workspaces/:channelId/connectors/:connectorId/credentials',
    {
      schema: {
        tags,
        params: ConnectorParams,
        body: UpdateCredentialsBody,
        response: { 200: Connector, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      const before = await requireConnector(ctx, request.params.channelId, request.params.connectorId);
      const connector = await updateCredentials(
        ctx,
        actorOf(request.principal),
        request.params.channelId,
        request.params.connectorId,
        request.body,
      );
      // Another Autotask tenant: the cached companies and services belong to the old one.
      const after = await findConnector(ctx.database.db, connector.id);
      if (after && after.tenant_id !== before.tenant_id) await requestLookupRefresh(ctx, connector.id);
      return connector;
    },
  );

  app.post(
    '/api/workspaces/:channelId/connectors/:connectorId/verify',
    { schema: { tags, params: ConnectorParams, response: { 200: Connector, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      return verifyConnector(
        ctx,
        actorOf(request.principal),
        request.params.channelId,
        request.params.connectorId,
      );
    },
  );

  app.post(
    '/api/workspaces/:channelId/connectors/:connectorId/disconnect',
    {
      schema: {
        tags,
        params: ConnectorParams,
        body: ConfirmBody,
        response: { 200: Connector, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      return disconnectConnector(
        ctx,
        actorOf(request.principal),
        request.params.channelId,
        request.params.connectorId,
      );
    },
  );

  app.delete(
    '/api/workspaces/:channelId/connectors/:connectorId',
    {
      schema: { tags, params: ConnectorParams, body: ConfirmBody, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'admin');
      await deleteConnector(
        ctx,
        actorOf(request.principal),
        request.params.channelId,
        request.params.connectorId,
      );
      return { ok: true as const };
    },
  );
};
