import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

import type { AppContext } from '../../app/app-context.js';

/** The Fastify instance routes are declared on: TypeBox-typed params/query/body/response. */
export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * One route module: declares its routes with full paths (`/api/...`) on the typed instance.
 * Add yours to `routes/index.ts`.
 *
 * @example
 * export const fooRoutes: RoutePlugin = (app, ctx) => {
 *   app.get('/api/workspaces/:id/foo', { schema: { params: WorkspaceParams, response: { 200: Foo, ...errorResponses } } },
 *     async (request) => { await request.requireChannel(request.params.id, 'read'); return …; });
 * };
 */
export type RoutePlugin = (app: AppInstance, ctx: AppContext) => void | Promise<void>;
