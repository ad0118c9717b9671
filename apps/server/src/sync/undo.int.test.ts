/**
 * Undo of a run through the API, against the real sandbox: opposing adjustments bring every
 * untouched line back to its prior units, exactly one per line; a line edited since the run is a
 * conflict, left alone unless the admin includes it; a run undone is refused the second time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { endpoints, type SyncRun, type UndoRunBody } from '@coro/contracts';

import { callEndpoint } from '../../test/call-endpoint.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { grantRole } from '../auth/user.repository.js';
import { addDays } from '../domain/billing-policy.js';
import { ledgerRowsAppliedByRun, type LedgerRow } from './ledger.repository.js';
import { createSyncHarness, demoCounts, demoWorkspaces, type SyncHarness } from './sync.test-support.js';

const day = 86_400_000;

describe.skipIf(isDatabaseUnavailable())(`undo a sync run (${testDialect()})`, () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness();
    for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(20, 15));
    // The channel's admin (not a super admin): undo needs the channel's write role.
    await grantRole(h.t.db, h.t.seed.users.admin.id, h.channelId, 'msp_admin', h.clock().toISOString());
  });
  afterAll(async () => {
    await h.close();
  });

  const params = (runId: string) => ({ channelId: h.channelId, connectorId: h.connectorId, runId });
  // Sessions expire when the test moves the clock by days: sign in again then.
  let signedInAt = 0;
  const headers = async () => {
    const isFresh = Math.abs(h.clock().getTime() - signedInAt) > 3_600_000;
    if (isFresh) signedInAt = h.clock().getTime();
    return h.t.login('admin', { fresh: isFresh });
  };
  const previewUndo = async (runId: string) =>
    callEndpoint(h.t.app, endpoints.sync.undoPreview, {
      params: params(runId),
      headers: await headers(),
      body: {},
    });
  const startUndo = async (runId: string, body: UndoRunBody = {}) =>
    callEndpoint(h.t.app, endpoints.sync.undo, { params: params(runId), headers: await headers(), body });
  const getRun = async (runId: string): Promise<SyncRun> => {
    const res = await callEndpoint(h.t.app, endpoints.sync.run, {
      params: params(runId),
      headers: await headers(),
    });
    return res.json().run;
  };
  /** Starts the undo over HTTP and waits for the undo run to finish. */
  const undo = async (runId: string, body: UndoRunBody = {}): Promise<SyncRun> => {
    const res = await startUndo(runId, body);
    expect(res.statusCode, res.body).toBe(202);
    const { runId: undoRunId } = res.json();
    return vi.waitFor(
      async () => {
        const run = await getRun(undoRunId);
        expect(run.status).toMatch(/succeeded|partial|failed/);
        return run;
      },
      { timeout: 30_000, interval: 25 },
    );
  };
  const writesOf = (runId: string): Promise<LedgerRow[]> => ledgerRowsAppliedByRun(h.t.db, runId);
  const unitsOn = (w: LedgerRow, date: string): number | null =>
    h.sb.admin.unitsOn(Number(w.contract_id), Number(w.psa_service_id), date);

  it('reverses every line of a run the same day, one opposing adjustment each, and refuses a second undo', async () => {
    const run = await h.run();
    const writes = await writesOf(run.runId);
    expect(writes.length).toBeGreaterThan(5);
    const sentBefore = h.sb.admin.adjustments().length;

    const preview = await previewUndo(run.runId);
    expect(preview.statusCode, preview.body).toBe(200);
    const plan = preview.json();
    expect(plan.counts).toMatchObject({ reversals: writes.length, conflicts: 0 });
    expect(h.sb.admin.adjustments().length, 'a preview writes nothing').toBe(sentBefore);

    const undone = await undo(run.runId);
    expect(undone).toMatchObject({ mode: 'undo', status: 'succeeded', undoOfRunId: run.runId });
    expect(undone.counters.adjusted).toBe(writes.length);
    // Autotask takes one adjustment per service and day: today's holds the run's, so the reversal is
    // dated tomorrow and brings the units back to what they were before the run.
    const tomorrow = addDays(h.today(), 1);
    for (const w of writes)
      expect({ key: w.key, units: unitsOn(w, tomorrow) }).toStrictEqual({ key: w.key, units: w.from_units });
    expect(h.sb.admin.adjustments().length - sentBefore).toBe(writes.length);
    expect(h.duplicates()).toStrictEqual([]);
    expect(await getRun(run.runId)).toMatchObject({ undoState: 'undone' });
    const undoLines = await h.lines(undone.id);
    expect(new Set(undoLines.map((l) => l.reverses_line_id))).toStrictEqual(
      new Set(writes.map((w) => w.line_id)),
    );

    const again = await startUndo(run.runId);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      error: { code: 'conflict', message: expect.stringMatching(/already undone/) },
    });
    expect(h.sb.admin.adjustments().length - sentBefore, 'nothing sent twice').toBe(writes.length);
    const audit = await h.t.db
      .selectFrom('audit_events')
      .select(['action', 'entity_id'])
      .where('action', '=', 'sync.run_undo_started')
      .execute();
    expect(audit).toStrictEqual([{ action: 'sync.run_undo_started', entity_id: run.runId }]);
  });

  it('shows a line edited by hand since the run as a conflict, reversed only when included', async () => {
    h.clock.advance(2 * day);
    await h.setUsage('Acme Corporation', demoCounts(42, 37));
    const run = await h.run();
    const writes = await writesOf(run.runId);
    const lines = await h.lines(run.runId);
    const edr = lines.find((l) => l.workspace_name === 'Acme Corporation' && l.service_key === 'edr');
    const edrWrite = writes.find((w) => w.line_id === edr?.id);
    if (!edr || !edrWrite) throw new Error('no Acme EDR write');
    h.clock.advance(day);
    const edit = await h.other().createUnitAdjustment({
      contractId: edrWrite.contract_id,
      serviceId: edrWrite.psa_service_id,
      unitChange: 5,
      effectiveDate: h.today(),
    });
    expect(edit.ok).toBe(true);

    const plan = (await previewUndo(run.runId)).json();
    expect(plan.lines.find((l) => l.lineId === edr.id)).toMatchObject({
      decision: 'conflict',
      appliedUnits: edrWrite.to_units,
      currentUnits: edrWrite.to_units + 5,
      undoUnits: edrWrite.from_units,
      isIncluded: false,
    });
    expect(plan.counts).toMatchObject({ reversals: writes.length - 1, conflicts: 1, conflictsIncluded: 0 });

    const first = await undo(run.runId);
    expect(first.counters).toMatchObject({ adjusted: writes.length - 1, skipped: 1 });
    expect(unitsOn(edrWrite, h.today()), 'the hand edit stands').toBe(edrWrite.to_units + 5);
    for (const w of writes.filter((x) => x.line_id !== edr.id))
      expect(unitsOn(w, h.today())).toBe(w.from_units);
    expect(await getRun(run.runId)).toMatchObject({ undoState: 'partially_undone' });

    const second = await undo(run.runId, { includeConflicts: [edr.id] });
    expect(second.counters).toMatchObject({ adjusted: 1, failed: 0 });
    // The hand edit holds today's date, so the reversal is refused there and moved to tomorrow.
    expect(unitsOn(edrWrite, addDays(h.today(), 1))).toBe(edrWrite.from_units);
    expect(await getRun(run.runId)).toMatchObject({ undoState: 'undone' });
    expect(h.duplicates()).toStrictEqual([]);
  });

  it('refuses to undo a preview, an undo run and an unknown run, with a code', async () => {
    const preview = await h.run({ mode: 'dry-run' });
    expect((await startUndo(preview.runId)).json()).toMatchObject({ error: { code: 'conflict' } });
    const [undoRun] = await h.t.db.selectFrom('sync_runs').select('id').where('mode', '=', 'undo').execute();
    const refused = await previewUndo(undoRun?.id ?? '');
    expect(refused.statusCode).toBe(409);
    expect((await startUndo('0190c8a5-0000-7000-8000-000000000000')).statusCode).toBe(404);
    const bad = await startUndo(preview.runId, { lineIds: ['nope'] });
    expect(bad.statusCode).toBe(400);
  });
});
