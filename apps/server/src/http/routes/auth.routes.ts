import { type AuthConfig, endpoints } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import { changePassword, describeUser, login } from '../../auth/auth.service.js';
import {
  createMachineToken,
  deleteSession,
  listMachineTokens,
  revokeMachineToken,
} from '../../auth/session.repository.js';
import { recordAudit } from '../../audit/audit.repository.js';
import { demoUsers } from '../../demo/demo-data.js';
import { AppError } from '../../app/app-error.js';
import { clearSessionCookies, setSessionCookies } from '../plugins/auth.plugin.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

export const authRoutes: RoutePlugin = (app, ctx) => {
  // The demo's well-known logins, for the sign-in page's hint; never outside demo mode.
  serve(
    app,
    endpoints.auth.config,
    (): AuthConfig =>
      ctx.config.mode === 'demo'
        ? {
            isDemo: true,
            demoLogins: [
              { email: demoUsers.admin.email, password: demoUsers.admin.password, role: 'msp_super_admin' },
              { email: demoUsers.viewer.email, password: demoUsers.viewer.password, role: 'msp_viewer' },
            ],
          }
        : { isDemo: false },
    { config: { auth: 'public' } },
  );

  serve(
    app,
    endpoints.auth.login,
    async (request, reply) => {
      const result = await login(ctx, {
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      const csrf = setSessionCookies(ctx, reply, result.token, result.expiresAt);
      return describeUser(ctx, result.user, csrf, result.expiresAt);
    },
    {
      config: {
        auth: 'public',
        rateLimit: { max: ctx.config.login.rateLimitMax, timeWindow: ctx.config.login.rateLimitWindowMs },
      },
    },
  );

  serve(
    app,
    endpoints.auth.logout,
    async (request, reply) => {
      const principal = request.requireUser();
      await deleteSession(ctx.database.db, principal.sessionId);
      clearSessionCookies(ctx, reply);
      return { ok: true as const };
    },
    { config: { isAllowedBeforePasswordChange: true } },
  );

  serve(
    app,
    endpoints.auth.me,
    async (request) => {
      const principal = request.requireUser();
      return describeUser(ctx, principal.user, principal.csrfToken, principal.sessionExpiresAt);
    },
    { config: { isAllowedBeforePasswordChange: true } },
  );

  // Self-service: the signed-in user replaces their own password (required after a one-time one).
  serve(
    app,
    endpoints.auth.changePassword,
    async (request) => {
      const principal = request.requireUser();
      await changePassword(ctx, principal.user.id, request.body);
      return describeUser(ctx, principal.user, principal.csrfToken, principal.sessionExpiresAt);
    },
    {
      config: {
        isAllowedBeforePasswordChange: true,
        // Each try costs a scrypt derivation: the sign-in route's budget applies here too.
        rateLimit: { max: ctx.config.login.rateLimitMax, timeWindow: ctx.config.login.rateLimitWindowMs },
      },
    },
  );

  serve(app, endpoints.auth.listTokens, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    return { items: await listMachineTokens(ctx.database.db, request.params.channelId) };
  });

  serve(app, endpoints.auth.createToken, async (request, reply) => {
    const { workspace } = await request.requireChannel(request.params.channelId, 'write');
    const user = request.requireUser();
    const now = ctx.clock().toISOString();
    const created = await ctx.database.db.transaction().execute(async (trx) => {
      const result = await createMachineToken(
        trx,
        {
          channelId: workspace.id,
          name: request.body.name,
          scope: request.body.scope,
          createdBy: user.user.id,
        },
        now,
      );
      await recordAudit(trx, {
        actor: actorOf(request.principal),
        workspaceId: workspace.id,
        action: 'token.created',
        entity: 'machine_token',
        entityId: result.token.id,
        after: result.token,
        at: now,
      });
      return result;
    });
    return reply.status(201).send({ token: created.token, secret: created.secret });
  });

  serve(app, endpoints.auth.revokeToken, async (request) => {
    const { workspace } = await request.requireChannel(request.params.channelId, 'write');
    const now = ctx.clock().toISOString();
    await ctx.database.db.transaction().execute(async (trx) => {
      const isRevoked = await revokeMachineToken(trx, workspace.id, request.params.tokenId, now);
      if (!isRevoked) throw new AppError('not_found', 'No live token with this id in this channel.');
      await recordAudit(trx, {
        actor: actorOf(request.principal),
        workspaceId: workspace.id,
        action: 'token.revoked',
        entity: 'machine_token',
        entityId: request.params.tokenId,
        at: now,
      });
    });
    return { ok: true as const };
  });
};
