import type { Role } from '@coro/contracts';

import { findSession } from '../../auth/session.repository.js';
import { safeEqual } from '../../auth/tokens.js';
import { AppError } from '../../app/app-error.js';
import type { AppContext } from '../../app/app-context.js';
import { metricsRegistry } from '../../observability/metrics.js';
import type { AppInstance } from '../routes/route-plugin.js';
import { cookieNames } from './auth.plugin.js';
import { sendError } from './error-handler.js';

const superAdmin: Role = 'msp_super_admin';

/**
 * /metrics (process and route figures of the whole server, every tenant together) is never open:
 * a scraper sends `Authorization: Bearer <METRICS_TOKEN>`; a person signed in to the console as a
 * super admin of a top-level channel may look at it without the token.
 */
export function registerMetricsRoute(app: AppInstance, ctx: AppContext): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const expected = ctx.config.metricsToken;
    if (bearer !== undefined) {
      if (expected === null || !safeEqual(bearer, expected))
        return sendError(request, reply, new AppError('unauthenticated', 'The metrics token is wrong.'));
    } else if (!(await isSuperAdmin(ctx, request.cookies[cookieNames(ctx).session]))) {
      return sendError(
        request,
        reply,
        new AppError(
          'unauthenticated',
          'Send the metrics token (METRICS_TOKEN) as Bearer, or sign in as a super admin.',
        ),
      );
    }
    return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
}

async function isSuperAdmin(ctx: AppContext, sessionToken: string | undefined): Promise<boolean> {
  if (sessionToken === undefined || sessionToken === '') return false;
  const session = await findSession(ctx.database.db, sessionToken, ctx.clock().toISOString());
  if (!session) return false;
  const row = await ctx.database.db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select('m.id')
    .where('m.user_id', '=', session.user.id)
    .where('m.role', '=', superAdmin)
    .where('w.parent_id', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
