import { endpoints, type Workspace } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import {
  addTeamMember,
  changeTeamRole,
  listTeam,
  removeFromTeam,
  type TeamActor,
} from '../../team/team.service.js';
import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

/**
 * Team changes are for people: a machine token never adds or removes anyone (requireUser first),
 * and the caller's own role bounds the roles they may hand out (team.service).
 */
async function teamActor(
  request: FastifyRequest,
  channelId: string,
): Promise<TeamActor & { channel: Workspace }> {
  request.requireUser();
  const access = await request.requireChannel(channelId, 'write');
  if (access.role === null) throw new Error('a signed-in user always has a role here');
  return { audit: actorOf(request.principal), role: access.role, channel: access.workspace };
}

/** The people of a channel (HTTP wiring only; rules in team/team.service.ts). */
export const teamRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.team.list, async (request) => {
    request.requireUser();
    await request.requireChannel(request.params.channelId, 'read');
    return { items: await listTeam(ctx.database.db, request.params.channelId) };
  });

  serve(app, endpoints.team.add, async (request, reply) => {
    const actor = await teamActor(request, request.params.channelId);
    const added = await addTeamMember(ctx, actor, actor.channel, request.body);
    // The one-time password is in this body only: no cache may keep it.
    void reply.header('cache-control', 'no-store');
    return reply.code(201).send(added);
  });

  serve(app, endpoints.team.changeRole, async (request) => {
    const actor = await teamActor(request, request.params.channelId);
    return changeTeamRole(ctx, actor, request.params.channelId, request.params.userId, request.body.role);
  });

  serve(app, endpoints.team.remove, async (request) => {
    const actor = await teamActor(request, request.params.channelId);
    await removeFromTeam(ctx, actor, request.params.channelId, request.params.userId);
    return { ok: true as const };
  });
};
