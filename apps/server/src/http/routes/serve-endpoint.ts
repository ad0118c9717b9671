import {
  endpointPath,
  errorResponses,
  type EndpointBody,
  type EndpointParams,
  type EndpointQuery,
  type EndpointResponse,
  type EndpointSpec,
} from '@coro/contracts';
import type { FastifyContextConfig, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';

import type { AppInstance } from './route-plugin.js';

/** What a handler of endpoint `E` receives: params, query and body typed from its schemas. */
export interface EndpointRequest<E extends EndpointSpec> {
  Params: EndpointParams<E>;
  Querystring: EndpointQuery<E>;
  Body: EndpointBody<E>;
}

/**
 * Returns the success body (typed by the endpoint), or the reply it sent itself (status, headers,
 * stream). An event stream hijacks the reply and returns nothing.
 */
export type EndpointHandler<E extends EndpointSpec> = (
  request: FastifyRequest<EndpointRequest<E>>,
  reply: FastifyReply,
) => Promise<HandlerResult<E>> | HandlerResult<E>;

type HandlerResult<E extends EndpointSpec> =
  | EndpointResponse<E>
  | FastifyReply
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a hijacked stream handler returns nothing
  | (E['format'] extends 'event-stream' ? void : never);

export interface ServeOptions {
  /** Route config read by the plugins: `auth`, `tokenScopes`, `rateLimit`, … */
  readonly config?: FastifyContextConfig;
}

/**
 * Registers one endpoint from its declaration in `@coro/contracts` (ADR 0014): path, validation
 * and OpenAPI all come from there; this file adds the common error answers. An endpoint with a
 * `legacyPath` is served there too, deprecated, pointing to its successor.
 */
export function serve<E extends EndpointSpec>(
  app: AppInstance,
  endpoint: E,
  handler: EndpointHandler<NoInfer<E>>,
  options: ServeOptions = {},
): void {
  const schema = {
    tags: [...endpoint.tags],
    ...(endpoint.summary === undefined ? {} : { summary: endpoint.summary }),
    ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
    ...(endpoint.params === undefined ? {} : { params: endpoint.params }),
    ...(endpoint.query === undefined ? {} : { querystring: endpoint.query }),
    ...(endpoint.body === undefined ? {} : { body: endpoint.body }),
    response: { ...endpoint.responses, ...errorResponses },
  };
  // One cast, here: the request types come from the endpoint, not from Fastify's schema inference.
  const routeHandler = handler as unknown as RouteHandlerMethod;
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    schema,
    config: options.config,
    handler: routeHandler,
  });
  if (endpoint.legacyPath === undefined) return;
  const deprecation = (request: FastifyRequest): Record<string, string> => ({
    deprecation: 'true',
    link: `<${safePath(endpoint, request.params as Record<string, string>)}>; rel="successor-version"`,
  });
  app.route({
    method: endpoint.method,
    url: endpoint.legacyPath,
    schema: { ...schema, deprecated: true, description: `Deprecated: use ${endpoint.path}.` },
    config: options.config,
    // A handler that hijacks the reply (event stream) writes its head itself and skips onSend:
    // the headers go on the raw response first, where its writeHead keeps them.
    handler: function legacyHandler(this: unknown, request, reply) {
      for (const [name, value] of Object.entries(deprecation(request))) reply.raw.setHeader(name, value);
      return routeHandler.call(this as never, request, reply);
    },
    onSend: (request, reply, payload, done) => {
      void reply.headers(deprecation(request));
      done(null, payload);
    },
  });
}

function safePath(endpoint: EndpointSpec, params: Record<string, string>): string {
  try {
    return endpointPath(endpoint, params);
  } catch {
    return endpoint.path;
  }
}
