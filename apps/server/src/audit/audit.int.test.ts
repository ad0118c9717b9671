import { endpoints } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { listAudit, recordAudit, redactSecrets, systemActor } from './audit.repository.js';

describe.skipIf(isDatabaseUnavailable())(`audit (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    for (let i = 0; i < 5; i += 1) {
      await recordAudit(t.db, {
        actor: systemActor(),
        workspaceId: t.seed.channel.id,
        action: `test.step${i}`,
        entity: 'test',
        entityId: String(i),
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists newest first with paging and filters', async () => {
    const response = await t.call(
      endpoints.workspaces.audit,
      { params: { channelId: t.seed.channel.id }, query: { limit: 2, offset: 1, entity: 'test' } },
      'viewer',
    );
    const page = response.json();
    expect(page.total).toBe(5);
    expect(page.items.map((e) => e.action)).toStrictEqual(['test.step3', 'test.step2']);
    expect(page.items[0]).toMatchObject({
      actor: { kind: 'system', id: null, label: 'system' },
      before: null,
      after: null,
      workspaceId: t.seed.channel.id,
    });
    const byAction = await listAudit(t.db, t.seed.channel.id, { limit: 10, offset: 0, action: 'test.step0' });
    expect(byAction.items.map((e) => e.entityId)).toStrictEqual(['0']);
  });

  it('never stores secrets in before/after', async () => {
    await recordAudit(t.db, {
      actor: systemActor(),
      workspaceId: t.seed.channel.id,
      action: 'connector.updated',
      entity: 'connector',
      before: { username: 'api@x', secret: 'old-secret', credentials: { secret: 'x' } },
      after: {
        username: 'api@x',
        nested: { password: 'pw', apiIntegrationCode: 'CODE' },
        list: [{ token: 't' }],
      },
    });
    const row = await t.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('action', '=', 'connector.updated')
      .executeTakeFirstOrThrow();
    const text = `${row.before_json} ${row.after_json}`;
    for (const secret of ['old-secret', '"pw"', 'CODE', '"t"']) expect(text).not.toContain(secret);
    expect(JSON.parse(row.after_json!)).toStrictEqual({
      username: 'api@x',
      nested: { password: '[redacted]', apiIntegrationCode: '[redacted]' },
      list: [{ token: '[redacted]' }],
    });
    expect(redactSecrets({ tokenPrefix: 'coro_mt_ab' })).toStrictEqual({ tokenPrefix: 'coro_mt_ab' });
  });

  it('rolls back with the transaction it was written in', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('workspaces')
          .set({ display_name: 'Renamed' })
          .where('id', '=', t.seed.childB.id)
          .execute();
        await recordAudit(trx, {
          actor: systemActor(),
          workspaceId: t.seed.channel.id,
          action: 'workspace.renamed',
          entity: 'workspace',
          entityId: t.seed.childB.id,
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(
      await t.db.selectFrom('audit_events').select('id').where('action', '=', 'workspace.renamed').execute(),
    ).toStrictEqual([]);
    const child = await t.db
      .selectFrom('workspaces')
      .select('display_name')
      .where('id', '=', t.seed.childB.id)
      .executeTakeFirstOrThrow();
    expect(child.display_name).toBe('Beta Co');
  });
});
