import Fastify, { type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ping } from '../db/database.js';
import { httpRequestDurationSeconds, httpRequestsTotal } from '../observability/metrics.js';
import { AppError } from '../app/app-error.js';
import type { AppContext } from '../app/app-context.js';
import { registerAuth } from './plugins/auth.plugin.js';
import { registerInputGuard } from './plugins/input-guard.js';
import { registerMetricsRoute } from './plugins/metrics.route.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { handleFrameworkError, registerErrorHandler, sendError } from './plugins/error-handler.js';
import { routePlugins } from './routes/index.js';
import type { AppInstance } from './routes/route-plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export interface BuildAppOptions {
  /** Serve the console from this folder (defaults to config.webDistDir when it exists). */
  readonly webDistDir?: string | null;
}

/**
 * The HTTP application: plugins, error envelope, auth gate, API routes, docs, health, metrics and
 * the console. No `listen()`: main.ts listens, tests use `app.inject()`.
 */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<AppInstance> {
  const loggerInstance: FastifyBaseLogger = ctx.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: ctx.config.trustProxy,
    genReqId: () => randomUUID(),
    frameworkErrors: handleFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.decorate('ctx', ctx);
  registerErrorHandler(app);

  registerSecurityHeaders(app, ctx);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`, {
        retryAfterMs: context.ttl,
      }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Coro PSA connector API', version: '1.0.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'coro_session' },
          machineToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    // Keep schema names from their `$id` instead of def-0, def-1 (fastify-swagger#286).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerAuth(app, ctx);
  registerInputGuard(app);
  registerHttpMetrics(app);

  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    if (await ping(ctx.database)) return { status: 'ready' };
    return sendError(request, reply, new AppError('unavailable', 'The database does not answer.'));
  });
  registerMetricsRoute(app, ctx);

  for (const plugin of routePlugins) await plugin(app, ctx);

  const webDistDir = options.webDistDir === undefined ? ctx.config.webDistDir : options.webDistDir;
  const hasConsole = webDistDir !== null && existsSync(join(webDistDir, 'index.html'));
  if (hasConsole) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isApi = path === '/api' || path.startsWith('/api/');
    if (hasConsole && !isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      // SPA fallback: the console's router owns every non-API path.
      return reply.type('text/html').sendFile('index.html');
    }
    return sendError(request, reply, new AppError('not_found', `No route ${request.method} ${path}.`));
  });

  return app;
}

function registerHttpMetrics(app: AppInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestsTotal.inc({ method: request.method, route, status: String(reply.statusCode) });
    httpRequestDurationSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
}
