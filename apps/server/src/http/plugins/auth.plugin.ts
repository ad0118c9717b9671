import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  SECURE_COOKIE_PREFIX,
  SESSION_COOKIE,
  type MachineTokenScope,
  type PermissionLevel,
} from '@coro/contracts';

import { resolveWorkspaceAccess, type WorkspaceAccess } from '../../auth/access.js';
import type { Principal } from '../../auth/principal.js';
import { findMachineToken, findSession } from '../../auth/session.repository.js';
import { csrfTokenFor, safeEqual } from '../../auth/tokens.js';
import { assertChannel } from '../../workspaces/workspace.repository.js';
import { AppError } from '../../app/app-error.js';
import type { AppContext } from '../../app/app-context.js';
import type { AppInstance } from '../routes/route-plugin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'session' (default for /api/*): a signed-in console user (or an allowed machine token).
     * 'public': no authentication (login, health).
     */
    auth?: 'session' | 'public';
    /** Machine-token scopes this route accepts (Bearer). None by default: cookies only. */
    tokenScopes?: readonly MachineTokenScope[];
    /** Reachable while the user must still replace a one-time password (me, logout, password). */
    isAllowedBeforePasswordChange?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The session token from the cookie, when the request is cookie-authenticated. */
    sessionToken: string | null;
    /** See `resolveWorkspaceAccess`: 404 for foreign workspaces, 403 when the role is too weak. */
    requireWorkspace(workspaceId: string, level: PermissionLevel): Promise<WorkspaceAccess>;
    /** `requireWorkspace` + the workspace must be a channel (PSA connectors live only there). */
    requireChannel(channelId: string, level: PermissionLevel): Promise<WorkspaceAccess>;
    /** The signed-in console user, or 401. */
    requireUser(): Extract<Principal, { kind: 'user' }>;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The cookie names this server uses: `__Host-` prefixed whenever PUBLIC_URL is https. */
export function cookieNames(ctx: AppContext): { session: string; csrf: string } {
  const prefix = ctx.config.isSecureCookies ? SECURE_COOKIE_PREFIX : '';
  return { session: `${prefix}${SESSION_COOKIE}`, csrf: `${prefix}${CSRF_COOKIE}` };
}

export function cookieOptions(ctx: AppContext, isHttpOnly: boolean, maxAgeMs: number) {
  return {
    path: '/',
    httpOnly: isHttpOnly,
    sameSite: 'lax' as const,
    secure: ctx.config.isSecureCookies,
    maxAge: Math.floor(maxAgeMs / 1000),
  };
}

export function setSessionCookies(
  ctx: AppContext,
  reply: FastifyReply,
  sessionToken: string,
  expiresAt: string,
): string {
  const maxAgeMs = Math.max(0, new Date(expiresAt).getTime() - ctx.clock().getTime());
  const csrf = csrfTokenFor(sessionToken);
  const names = cookieNames(ctx);
  void reply.setCookie(names.session, sessionToken, cookieOptions(ctx, true, maxAgeMs));
  void reply.setCookie(names.csrf, csrf, cookieOptions(ctx, false, maxAgeMs));
  return csrf;
}

export function clearSessionCookies(ctx: AppContext, reply: FastifyReply): void {
  const names = cookieNames(ctx);
  const options = { path: '/', secure: ctx.config.isSecureCookies, sameSite: 'lax' } as const;
  void reply.clearCookie(names.session, options);
  void reply.clearCookie(names.csrf, options);
}

async function resolvePrincipal(ctx: AppContext, request: FastifyRequest): Promise<void> {
  const now = ctx.clock().toISOString();
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw new AppError('unauthenticated', 'Use "Authorization: Bearer <token>".');
    const token = await findMachineToken(ctx.database.db, match[1], now);
    if (!token) throw new AppError('unauthenticated', 'The token is unknown or revoked.');
    request.principal = {
      kind: 'token',
      tokenId: token.id,
      channelId: token.channelId,
      scope: token.scope,
      name: token.name,
    };
    return;
  }
  const sessionToken = request.cookies[cookieNames(ctx).session];
  if (sessionToken === undefined || sessionToken === '') return;
  const session = await findSession(ctx.database.db, sessionToken, now);
  if (!session) return;
  request.sessionToken = sessionToken;
  request.principal = {
    kind: 'user',
    user: session.user,
    sessionId: session.id,
    csrfToken: csrfTokenFor(sessionToken),
    sessionExpiresAt: session.expiresAt,
    mustChangePassword: session.mustChangePassword,
  };
}

/**
 * Resolves who is calling on every /api request and applies the default gate: authenticated
 * unless the route says `config: { auth: 'public' }`, CSRF on unsafe methods for cookie sessions,
 * machine tokens only on routes that list their scope. Per-workspace rights are checked by the
 * handler through `request.requireWorkspace` / `request.requireChannel`.
 */
export function registerAuth(app: AppInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest(
    'requireWorkspace',
    function (this: FastifyRequest, workspaceId: string, level: PermissionLevel) {
      return resolveWorkspaceAccess(ctx.database.db, this.principal, workspaceId, level);
    },
  );
  app.decorateRequest(
    'requireChannel',
    async function (this: FastifyRequest, channelId: string, level: PermissionLevel) {
      const access = await resolveWorkspaceAccess(ctx.database.db, this.principal, channelId, level);
      assertChannel(access.workspace);
      return access;
    },
  );
  app.decorateRequest('requireUser', function (this: FastifyRequest) {
    if (this.principal?.kind !== 'user') throw new AppError('unauthenticated', 'Sign in first.');
    return this.principal;
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined || !url.startsWith('/api/')) return;
    const config = request.routeOptions.config;
    const isPublic = config.auth === 'public';
    try {
      await resolvePrincipal(ctx, request);
    } catch (error) {
      if (!isPublic) throw error;
    }
    if (isPublic) return;
    const principal = request.principal;
    if (principal === null) throw new AppError('unauthenticated', 'Sign in first.');
    if (principal.kind === 'token') {
      if (!(config.tokenScopes ?? []).includes(principal.scope)) {
        throw new AppError('forbidden', 'This token cannot be used for this endpoint.');
      }
      return;
    }
    if (UNSAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const cookie = request.cookies[cookieNames(ctx).csrf];
      const isValid =
        typeof header === 'string' &&
        cookie !== undefined &&
        safeEqual(header, cookie) &&
        safeEqual(header, principal.csrfToken);
      if (!isValid)
        throw new AppError(
          'csrf_failed',
          `Missing or wrong ${CSRF_HEADER} header; reload the console and retry.`,
        );
    }
    if (principal.mustChangePassword && config.isAllowedBeforePasswordChange !== true) {
      throw new AppError('password_change_required', 'Choose your own password first.', {
        advice: 'You signed in with a one-time password: set a new one (POST /api/auth/password).',
      });
    }
  });
}
