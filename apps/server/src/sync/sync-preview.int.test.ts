/**
 * Reviewed writes (issue 10) against the Autotask sandbox over HTTP, through the API: a preview is
 * applied exactly; a preview made stale by each kind of change is refused with the fresh preview
 * and the difference, and nothing is written; the first sync of a new connector never runs from
 * the schedule.
 */
import { endpoints, type EndpointSpec, type PreviewStaleDetails, type SyncRunDetail } from '@coro/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { callEndpoint, type EndpointCallInput } from '../../test/call-endpoint.js';
import { grantRole } from '../auth/user.repository.js';
import { listConnectorSchedules } from '../jobs/job-handlers.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { createSyncHarness, demoCounts, demoWorkspaces, type SyncHarness } from './sync.test-support.js';

const day = 24 * 60 * 60 * 1000;

describe.skipIf(isDatabaseUnavailable())(`reviewed writes (${testDialect()})`, () => {
  let h: SyncHarness;
  let headers: Record<string, string>;
  const connector = () => ({ channelId: h.channelId, connectorId: h.connectorId });
  const run = (runId: string) => ({ ...connector(), runId });
  const call = async <E extends EndpointSpec>(endpoint: E, input: EndpointCallInput<E>) =>
    callEndpoint(h.t.app, endpoint, { ...input, headers });
  const settingsNow = async () => (await call(endpoints.sync.settings, { params: connector() })).json();
  const apply = async (runId: string) => call(endpoints.sync.apply, { params: run(runId) });
  const preview = async (): Promise<SyncRunDetail> => {
    const response = await call(endpoints.sync.preview, { params: connector() });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const finished = async (runId: string): Promise<SyncRunDetail> => {
    for (let i = 0; i < 200; i++) {
      const detail = (await call(endpoints.sync.run, { params: run(runId), query: { limit: 5000 } })).json();
      if (detail.run.status !== 'queued' && detail.run.status !== 'running') return detail;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`run ${runId} did not finish`);
  };

  beforeEach(async () => {
    h = await createSyncHarness();
    await grantRole(h.t.db, h.t.seed.users.admin.id, h.channelId, 'msp_admin', h.clock().toISOString());
    headers = await h.t.login('admin');
    for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(20, 15));
  });
  afterEach(async () => {
    await h.close();
  });

  it('applies exactly the reviewed lines, states the money first, then starts the daily schedule', async () => {
    const settingsBefore = await settingsNow();
    expect(settingsBefore.isAwaitingFirstReviewedSync).toBe(true);

    const reviewed = await preview();
    const adjust = reviewed.lines.items.filter((l) => l.kind === 'adjust');
    expect(adjust.length).toBeGreaterThan(0);
    expect(h.sb.admin.adjustments()).toHaveLength(0);
    // The impact is the preview's adjust lines, priced with the sandbox's unit prices.
    const expectedAmount = adjust.reduce((sum, l) => sum + (l.delta ?? 0) * (l.unitPrice ?? 0), 0);
    expect(reviewed.impact.changes).toBe(adjust.length);
    expect(reviewed.impact.unpricedChanges).toBe(adjust.filter((l) => l.unitPrice === null).length);
    expect(reviewed.impact.monthlyAmount).toBeCloseTo(expectedAmount, 2);
    expect(reviewed.impact.monthlyAmount).not.toBe(0);

    const started = await apply(reviewed.run.id);
    expect(started.statusCode).toBe(202);
    const done = await finished(started.json().runId ?? '');
    expect(done.run).toMatchObject({ status: 'succeeded', previewRunId: reviewed.run.id });

    // One adjustment per reviewed line, each to the reviewed target; nothing else.
    expect(h.sb.admin.adjustments()).toHaveLength(adjust.length);
    for (const line of (await h.lines(reviewed.run.id)).filter((l) => l.kind === 'adjust')) {
      const units = h.sb.admin.unitsOn(Number(line.contract_id), Number(line.psa_service_id), h.today());
      const name = `${line.workspace_name}/${line.service_key}`;
      expect({ name, units }).toEqual({ name, units: line.target_units });
    }
    expect((await settingsNow()).isAwaitingFirstReviewedSync).toBe(false);
    expect(
      (await listConnectorSchedules(h.t.ctx)).find((s) => s.connectorId === h.connectorId)?.isEnabled,
    ).toBe(true);

    // The same preview cannot be applied twice.
    const again = await apply(reviewed.run.id);
    expect(again.statusCode).toBe(409);
    expect(h.sb.admin.adjustments()).toHaveLength(adjust.length);
  });

  it.each([
    [
      'new usage',
      async () => h.setUsage('Cedar Ridge Dental', { edr: { devices: 21, users: 0 } }),
      'Cedar Ridge Dental',
    ],
    [
      'units edited in Autotask by someone',
      async () => {
        const line = (await h.lines((await h.run({ mode: 'dry-run' })).runId)).find(
          (l) => l.kind === 'adjust' && l.contract_id !== null,
        );
        const edit = await h.other().createUnitAdjustment({
          contractId: line?.contract_id ?? '',
          serviceId: line?.psa_service_id ?? '',
          unitChange: 3,
          effectiveDate: h.today(),
        });
        expect(edit.ok).toBe(true);
        return line?.workspace_name;
      },
      null,
    ],
    [
      'a workspace mapping removed',
      async () => {
        const id = h.workspaceIds.get('Kestrel Robotics') ?? '';
        await h.t.db.deleteFrom('workspace_mappings').where('workspace_id', '=', id).execute();
      },
      'Kestrel Robotics',
    ],
  ])(
    'refuses a preview made stale by %s, writes nothing, and shows the fresh one',
    async (_why, change, name) => {
      const reviewed = await preview();
      const changedName = (await change()) ?? name;
      const response = await apply(reviewed.run.id);
      expect(response.statusCode).toBe(409);
      const error = response.error();
      const details = error.details as PreviewStaleDetails;
      expect(error.code).toBe('preview_stale');
      expect(error.message).toMatch(/Nothing was written/);
      expect(details.changeCount).toBeGreaterThan(0);
      expect(details.changes.map((c) => c.workspaceName)).toContain(changedName);
      const ours = h.sb.admin.adjustments().filter((a) => a.unitChange !== 3);
      expect(ours).toHaveLength(0);

      // The fresh preview is what applying now would do: it applies.
      const fresh = (
        await call(endpoints.sync.run, { params: run(details.freshPreviewRunId), query: { limit: 5000 } })
      ).json();
      expect(fresh.run.mode).toBe('dry-run');
      const started = await apply(fresh.run.id);
      expect(started.statusCode).toBe(202);
      expect((await finished(started.json().runId ?? '')).run.status).toBe('succeeded');
    },
  );

  it('refuses a preview of yesterday', async () => {
    const reviewed = await preview();
    h.clock.advance(day);
    headers = await h.t.login('admin', { fresh: true }); // the session of yesterday expired
    const response = await apply(reviewed.run.id);
    expect(response.statusCode).toBe(409);
    expect(response.error()).toMatchObject({
      code: 'preview_stale',
      message: expect.stringMatching(/made for \d{4}-\d{2}-\d{2}/) as unknown,
    });
    expect(h.sb.admin.adjustments()).toHaveLength(0);
  });

  it('never runs the first sync from the schedule; an explicit start or a reviewed apply arms it', async () => {
    const schedule = async () =>
      (await listConnectorSchedules(h.t.ctx)).find((s) => s.connectorId === h.connectorId);
    expect((await schedule())?.isEnabled).toBe(false);
    const shown = (await call(endpoints.connectors.get, { params: connector() })).json();
    expect(shown).toMatchObject({ nextSyncAt: null, isAwaitingFirstReviewedSync: true });

    // Saving other settings does not start it; only the explicit start does.
    const settings = await settingsNow();
    const body = { policy: settings.policy, isScheduleEnabled: true, scheduleTime: '05:00' };
    expect(
      (await call(endpoints.sync.putSettings, { params: connector(), body })).json()
        .isAwaitingFirstReviewedSync,
    ).toBe(true);
    expect((await schedule())?.isEnabled).toBe(false);
    const started = await call(endpoints.sync.putSettings, {
      params: connector(),
      body: { ...body, startScheduleBeforeFirstSync: true },
    });
    expect(started.json().isAwaitingFirstReviewedSync).toBe(false);
    expect((await schedule())?.isEnabled).toBe(true);
  });

  it('holds by default a decrease of more than 50 % or a change of more than 25 units', async () => {
    const settings = await settingsNow();
    const defaults = { maxUnitChange: 25, maxPercentChange: null, maxPercentDecrease: 50 };
    const response = await call(endpoints.sync.putSettings, {
      params: connector(),
      body: {
        policy: { ...settings.policy, guardrails: { maxUnitChange: 25, maxPercentChange: null } },
        isScheduleEnabled: true,
        scheduleTime: settings.scheduleTime,
      },
    });
    // An older client sending two guardrails keeps the third (the harness disabled it).
    expect(response.json().policy.guardrails).toEqual({
      ...defaults,
      maxPercentDecrease: null,
    });
    await h.t.db.deleteFrom('sync_settings').where('connector_id', '=', h.connectorId).execute();
    const fresh = await settingsNow();
    expect(fresh.policy.guardrails).toEqual(defaults);
  });
});
