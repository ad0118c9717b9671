import { endpoints } from '@coro/contracts';
import { AppError } from '../../app/app-error.js';
import { memberChanges, membersOnDay } from '../../members/member.repository.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

export const memberRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.usage.members, async (request) => {
    const { workspace } = await request.requireWorkspace(request.params.id, 'read');
    const db = ctx.database.db;
    const { serviceKey } = request.query;
    const service = await db
      .selectFrom('catalog_services')
      .select('billing_basis')
      .where('key', '=', serviceKey)
      .executeTakeFirst();
    if (!service) throw new AppError('validation_failed', `Unknown service "${serviceKey}".`);
    const day = request.query.day ?? ctx.clock().toISOString().slice(0, 10);
    const since = request.query.since ?? null;
    if (since !== null && since > day)
      throw new AppError('validation_failed', '`since` must not be after `day`.');
    const kind = service.billing_basis === 'users' ? ('user' as const) : ('device' as const);
    const line = { workspaceId: workspace.id, serviceKey, kind };
    const usage = await db
      .selectFrom('usage_daily')
      .select(['devices', 'users'])
      .where('workspace_id', '=', workspace.id)
      .where('service_key', '=', serviceKey)
      .where('day', '=', day)
      .executeTakeFirst();
    const changes = since === null ? [] : await memberChanges(db, line, since, day);
    return {
      workspaceId: workspace.id,
      serviceKey,
      kind,
      day,
      count: usage ? (kind === 'user' ? usage.users : usage.devices) : null,
      members: await membersOnDay(db, line, day),
      since,
      changes: changes.map((c) => ({ id: c.memberId, label: c.label, change: c.change, day: c.day })),
    };
  });
};
