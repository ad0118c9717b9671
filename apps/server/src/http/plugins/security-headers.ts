import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

import type { AppContext } from '../../app/app-context.js';
import type { AppInstance } from '../routes/route-plugin.js';

/** The console uses none of these browser features; denying them limits what injected code could do. */
export const PERMISSIONS_POLICY =
  'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()';

/**
 * The headers helmet sets, read once from helmet itself. Our policy is the same for every request
 * (no nonces, no per-request directives), yet @fastify/helmet built a new helmet, parsing the CSP
 * again, on every request: ~0.03 ms of each console read (issue 12). HTTPS-only directives follow
 * PUBLIC_URL: on plain http, `upgrade-insecure-requests` would make the browser fetch the console's
 * own assets over https (and fail), and HSTS is meaningless.
 */
export function securityHeaders(isHttps: boolean): ReadonlyMap<string, string> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  // helmet reads the request only for directives given as functions; ours are all strings.
  const request = Object.create(null) as IncomingMessage;
  // helmet 8 throws a bad option at once, so the `next` below is never handed an error.
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // MUI/emotion injects <style> tags.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: isHttps ? [] : null,
      },
    },
    strictTransportSecurity: isHttps,
  })(request, response as unknown as ServerResponse, () => undefined);
  headers.set('permissions-policy', PERMISSIONS_POLICY);
  return headers;
}

/**
 * Response headers for every route, set on the raw response as the request arrives, so replies
 * that bypass fastify's serialiser (the run events stream) carry them too. API answers carry
 * `Cache-Control: no-store`: they hold tenant data and must not stay in a shared or browser cache
 * after sign-out.
 */
export function registerSecurityHeaders(app: AppInstance, ctx: AppContext): void {
  const headers = [...securityHeaders(ctx.config.isSecureCookies)];
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') || path === '/metrics') void reply.header('cache-control', 'no-store');
    return payload;
  });
}
