import helmet from '@fastify/helmet';

import type { AppContext } from '../../app/app-context.js';
import type { AppInstance } from '../routes/route-plugin.js';

/** The console uses none of these browser features; denying them limits what injected code could do. */
export const PERMISSIONS_POLICY =
  'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()';

/**
 * Response headers for every route. HTTPS-only directives follow PUBLIC_URL: on plain http,
 * `upgrade-insecure-requests` would make the browser fetch the console's own assets over https
 * (and fail), and HSTS is meaningless. API answers carry `Cache-Control: no-store`: they hold
 * tenant data and must not stay in a shared or browser cache after sign-out.
 */
export async function registerSecurityHeaders(app: AppInstance, ctx: AppContext): Promise<void> {
  const isHttps = ctx.config.isSecureCookies;
  await app.register(helmet, {
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
  });
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('permissions-policy', PERMISSIONS_POLICY);
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') || path === '/metrics') void reply.header('cache-control', 'no-store');
    return payload;
  });
}
