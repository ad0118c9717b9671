import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { addDays } from '../domain/billing-policy.js';
import { insertWorkspace } from '../workspaces/workspace.repository.js';
import { approveHeldLines } from './index.js';
import { createSyncHarness, demoCounts, demoWorkspaces, type SyncHarness } from './sync.test-support.js';
import type { SyncLineRow } from './sync-run.repository.js';

const byName = (lines: SyncLineRow[], workspace: string, service: string): SyncLineRow => {
  const line = lines.find((l) => l.workspace_name === workspace && l.service_key === service);
  if (!line) throw new Error(`no line ${workspace}/${service}`);
  return line;
};
const day = 86_400_000;

/**
 * Each test starts from its own sandbox and database with the same day-0 usage, and reaches the
 * state it needs through the product (`firstSync`, the clock), so any test runs alone or in any order.
 */
describe.skipIf(isDatabaseUnavailable())(`billing sync against the sandbox (${testDialect()})`, () => {
  let h: SyncHarness;
  beforeEach(async () => {
    h = await createSyncHarness();
    for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(20, 15));
    await h.setUsage('Acme Corporation', demoCounts(42, 37));
  });
  afterEach(async () => {
    await h.close();
  });
  /** Day 0 applied: Acme at 42 / 42 / 37, every other billed line at 20 / 20 / 15. */
  const firstSync = async (): Promise<void> => {
    const run = await h.run();
    expect(run.counters.failed).toBe(0);
  };
  /** Day 1: Acme's endpoint security goes 42 → 50 and EDR 42 → 30, applied. */
  const nextDaySync = async (): Promise<void> => {
    h.clock.advance(day);
    await h.setUsage('Acme Corporation', {
      endpoint_security: { devices: 50, users: 0 },
      edr: { devices: 30, users: 0 },
      email_security: { devices: 0, users: 37 },
    });
    await h.run();
  };

  it('previews the first sync without writing, naming every problem', async () => {
    const before = h.sb.admin.adjustments().length;
    const run = await h.run({ mode: 'dry-run' });
    expect(run.status).toBe('succeeded');
    expect(h.sb.admin.adjustments().length).toBe(before);
    expect(run.counters.psa_writes).toBe(0);
    const lines = await h.lines(run.runId);
    expect(lines).toHaveLength(demoWorkspaces.length * 3);
    const acme = byName(lines, 'Acme Corporation', 'endpoint_security');
    expect(acme).toMatchObject({ kind: 'adjust', status: 'not_applied', target_units: 42 });
    expect(acme.delta).toBe(42 - (acme.current_units ?? 0));
    expect(byName(lines, 'Elm Grove Library', 'edr')).toMatchObject({
      kind: 'problem',
      problem: 'no_contract',
    });
    expect(byName(lines, 'Glacier Bay Fisheries', 'edr')).toMatchObject({
      kind: 'problem',
      problem: 'no_contract',
    });
    expect(byName(lines, 'Foxtrot Distribution', 'endpoint_security')).toMatchObject({
      kind: 'problem',
      problem: 'ambiguous_contract',
    });
    expect(byName(lines, 'Kestrel Robotics', 'email_security')).toMatchObject({
      kind: 'problem',
      problem: 'service_not_on_contract',
    });
    expect(byName(lines, 'Nimbus Cloud Services', 'edr')).toMatchObject({
      kind: 'problem',
      problem: 'unmapped_company',
    });
    expect(byName(lines, 'Indigo Design Studio', 'edr')).toMatchObject({
      kind: 'skipped',
      skip_reason: 'status_not_billed',
    });
    expect(byName(lines, 'Jasper Legal', 'edr')).toMatchObject({
      kind: 'skipped',
      skip_reason: 'status_not_billed',
    });
    expect(byName(lines, 'Hollow Creek Farms', 'edr')).toMatchObject({ kind: 'adjust', target_units: 0 });
    for (const line of lines.filter((l) => l.kind === 'problem')) expect(line.advice).toBeTruthy();
  });

  it('first sync applies every adjust line once and Autotask then holds the targets', async () => {
    const run = await h.run();
    expect(run.status).toBe('succeeded');
    expect(run.counters.adjusted).toBeGreaterThan(10);
    expect(run.counters.failed).toBe(0);
    expect(run.counters.psa_writes).toBe(run.counters.adjusted);
    await h.expectConverged(run.runId);
    const lines = await h.lines(run.runId);
    const acme = byName(lines, 'Acme Corporation', 'edr');
    expect(h.sb.admin.unitsOn(Number(acme.contract_id), Number(acme.psa_service_id), h.today())).toBe(42);
    expect(h.duplicates()).toStrictEqual([]);
  });

  it('a re-sync with nothing changed writes nothing', async () => {
    await firstSync();
    const before = h.sb.admin.adjustments().length;
    const run = await h.run();
    expect(run.counters.psa_writes).toBe(0);
    expect(run.counters.adjusted).toBe(0);
    expect(h.sb.admin.adjustments().length).toBe(before);
    const lines = await h.lines(run.runId);
    expect(lines.filter((l) => l.kind === 'adjust')).toStrictEqual([]);
    expect(run.counters.unchanged).toBeGreaterThan(10);
  });

  it('next day: increases and decreases are applied on that day', async () => {
    await firstSync();
    h.clock.advance(day);
    // Coro reports every service of a workspace each day; a service missing from the day counts 0.
    await h.setUsage('Acme Corporation', {
      endpoint_security: { devices: 50, users: 0 },
      edr: { devices: 30, users: 0 },
      email_security: { devices: 0, users: 37 },
    });
    await h.setUsage('Blue Harbor Logistics', demoCounts(20, 15));
    const run = await h.run();
    const lines = await h.lines(run.runId);
    expect(byName(lines, 'Acme Corporation', 'endpoint_security')).toMatchObject({
      kind: 'adjust',
      status: 'applied',
      current_units: 42,
      target_units: 50,
      delta: 8,
      effective_date: h.today(),
    });
    expect(byName(lines, 'Acme Corporation', 'edr')).toMatchObject({
      kind: 'adjust',
      status: 'applied',
      current_units: 42,
      target_units: 30,
      delta: -12,
      effective_date: h.today(),
    });
    expect(run.counters.adjusted).toBe(2);
    await h.expectConverged(run.runId);
    expect(h.duplicates()).toStrictEqual([]);
  });

  it('a second change on the same day is dated the next day, honestly', async () => {
    await firstSync();
    await nextDaySync();
    await h.setUsage('Acme Corporation', { endpoint_security: { devices: 55, users: 0 } }, h.today());
    const run = await h.run();
    const line = byName(await h.lines(run.runId), 'Acme Corporation', 'endpoint_security');
    const tomorrow = addDays(h.today(), 1);
    expect(line).toMatchObject({
      kind: 'adjust',
      status: 'applied',
      current_units: 50,
      target_units: 55,
      effective_date: tomorrow,
      is_deferred: 1,
    });
    expect(line.message).toContain(tomorrow);
    expect(h.sb.admin.unitsOn(Number(line.contract_id), Number(line.psa_service_id), h.today())).toBe(50);
    expect(h.sb.admin.unitsOn(Number(line.contract_id), Number(line.psa_service_id), tomorrow)).toBe(55);
    expect(h.sb.admin.rejectedAdjustments()).toStrictEqual([]);
    // …and a third run the same day sees the deferred value and does nothing.
    const again = await h.run();
    expect(again.counters.psa_writes).toBe(0);
    expect(byName(await h.lines(again.runId), 'Acme Corporation', 'endpoint_security')).toMatchObject({
      kind: 'unchanged',
      current_units: 55,
    });
    expect(h.duplicates()).toStrictEqual([]);
  });

  it('trial and inactive follow the billing policy', async () => {
    h.clock.advance(day);
    await h.setPolicy({
      statusBilling: { Subscription: 'bill', Trial: 'bill', New: 'skip', Inactive: 'skip' },
    });
    await h.setUsage('Indigo Design Studio', demoCounts(9, 4));
    const run = await h.run();
    const lines = await h.lines(run.runId);
    expect(byName(lines, 'Indigo Design Studio', 'edr')).toMatchObject({
      kind: 'adjust',
      status: 'applied',
      target_units: 9,
    });
    expect(byName(lines, 'Hollow Creek Farms', 'edr')).toMatchObject({
      kind: 'skipped',
      skip_reason: 'status_not_billed',
    });
    expect(byName(lines, 'Jasper Legal', 'edr')).toMatchObject({ kind: 'skipped' });
    await h.expectConverged(run.runId);
  });

  it('holds a change above the guardrail until approved, then applies it', async () => {
    await firstSync();
    // A fresh day: the first sync already took today's adjustment slot on every line.
    h.clock.advance(day);
    await h.setPolicy({
      guardrails: { maxUnitChange: 10, maxPercentChange: null, maxPercentDecrease: null },
    });
    await h.setUsage('Cedar Ridge Dental', { endpoint_security: { devices: 80, users: 0 } });
    const run = await h.run();
    const held = byName(await h.lines(run.runId), 'Cedar Ridge Dental', 'endpoint_security');
    expect(held).toMatchObject({
      kind: 'held',
      hold_reason: 'guardrail',
      status: 'held',
      current_units: 20,
      target_units: 80,
    });
    expect(h.sb.admin.unitsOn(Number(held.contract_id), Number(held.psa_service_id), h.today())).toBe(20);
    const approval = await approveHeldLines(h.t.ctx, run.runId, [held.id], {
      kind: 'user',
      id: null,
      label: 'tester',
    });
    expect(approval.results).toStrictEqual([
      { lineId: held.id, status: 'applied', message: expect.any(String) },
    ]);
    expect(h.sb.admin.unitsOn(Number(held.contract_id), Number(held.psa_service_id), h.today())).toBe(80);
    const after = byName(await h.lines(run.runId), 'Cedar Ridge Dental', 'endpoint_security');
    expect(after).toMatchObject({ status: 'applied', approved_by: 'tester' });
    // Approving twice does nothing.
    const twice = await approveHeldLines(h.t.ctx, run.runId, [held.id], {
      kind: 'user',
      id: null,
      label: 'tester',
    });
    expect(twice.results[0]?.status).toBe('not_held');
    const next = await h.run();
    expect(next.counters.psa_writes).toBe(0);
  });

  it('detects a manual edit in Autotask and holds it; approval overwrites it', async () => {
    await firstSync();
    h.clock.advance(day);
    const first = await h.run();
    const line = byName(await h.lines(first.runId), 'Delta Freight Partners', 'edr');
    expect(line.kind).toBe('unchanged');
    const edit = await h.other().createUnitAdjustment({
      contractId: line.contract_id ?? '',
      serviceId: line.psa_service_id ?? '',
      unitChange: 7,
      effectiveDate: h.today(),
    });
    expect(edit.ok).toBe(true);
    const run = await h.run();
    const held = byName(await h.lines(run.runId), 'Delta Freight Partners', 'edr');
    expect(held).toMatchObject({
      kind: 'held',
      problem: 'manual_edit_detected',
      hold_reason: 'manual_edit',
      current_units: 27,
      last_confirmed_units: 20,
      target_units: 20,
    });
    const approval = await approveHeldLines(h.t.ctx, run.runId, [held.id], {
      kind: 'user',
      id: null,
      label: 'tester',
    });
    expect(approval.results[0]?.status).toBe('applied');
    // The hand edit took today's slot, so ours is dated tomorrow, and the line says so.
    const applied = byName(await h.lines(run.runId), 'Delta Freight Partners', 'edr');
    expect(applied.effective_date).toBe(addDays(h.today(), 1));
    expect(
      h.sb.admin.unitsOn(Number(held.contract_id), Number(held.psa_service_id), addDays(h.today(), 1)),
    ).toBe(20);
    expect(h.duplicates()).toStrictEqual([]);
  });

  it('overwrites a manual edit when the policy says so', async () => {
    await firstSync();
    // Two days on, so yesterday (where the hand edit goes) holds no adjustment of ours.
    h.clock.advance(day);
    h.clock.advance(day);
    await h.setPolicy({ onManualEdit: 'overwrite' });
    const line = byName(await h.lines((await h.run()).runId), 'Delta Freight Partners', 'email_security');
    const edit = await h.other().createUnitAdjustment({
      contractId: line.contract_id ?? '',
      serviceId: line.psa_service_id ?? '',
      unitChange: -3,
      effectiveDate: addDays(h.today(), -1),
    });
    expect(edit.ok).toBe(true);
    const run = await h.run();
    const applied = byName(await h.lines(run.runId), 'Delta Freight Partners', 'email_security');
    expect(applied).toMatchObject({
      kind: 'adjust',
      problem: 'manual_edit_detected',
      status: 'applied',
      current_units: 12,
      target_units: 15,
    });
    await h.expectConverged(run.runId);
  });

  it('sets units to 0 for an unmapped workspace and for one that left the channel (onUnmap zero)', async () => {
    await firstSync();
    h.clock.advance(day);
    await h.setPolicy({ onUnmap: 'zero' });
    const before = await h.lines((await h.run()).runId);
    const unmapped = byName(before, 'Blue Harbor Logistics', 'edr');
    const leaving = byName(before, 'Evergreen Law Group', 'endpoint_security');
    expect(unmapped.kind).toBe('unchanged');
    expect(leaving.kind).toBe('unchanged');
    await h.t.db
      .deleteFrom('workspace_mappings')
      .where('workspace_id', '=', h.workspaceIds.get('Blue Harbor Logistics') ?? '')
      .execute();
    const otherChannel = await insertWorkspace(
      h.t.db,
      { kind: 'channel', parentId: null, displayName: 'Another MSP' },
      h.clock().toISOString(),
    );
    await h.t.db
      .updateTable('workspaces')
      .set({ parent_id: otherChannel.id })
      .where('id', '=', h.workspaceIds.get('Evergreen Law Group') ?? '')
      .execute();

    const run = await h.run();
    const lines = await h.lines(run.runId);
    for (const [workspace, line] of [
      ['Blue Harbor Logistics', unmapped],
      ['Evergreen Law Group', leaving],
    ] as const) {
      // (The unmapped workspace also gets its `unmapped_company` line; this is the other one.)
      const zeroed = lines.find(
        (l) => l.workspace_name === workspace && l.service_key === line.service_key && l.is_unmapped === 1,
      );
      expect(zeroed).toMatchObject({ kind: 'adjust', is_unmapped: 1, status: 'applied', target_units: 0 });
      expect(h.sb.admin.unitsOn(Number(line.contract_id), Number(line.psa_service_id), h.today())).toBe(0);
    }
    expect(run.counters.failed).toBe(0);
    // Done with them: the next run neither writes nor lists the workspace that left.
    const again = await h.run();
    expect(again.counters.psa_writes).toBe(0);
    const next = await h.lines(again.runId);
    expect(next.filter((l) => l.workspace_name === 'Evergreen Law Group')).toStrictEqual([]);
    expect(next.filter((l) => l.is_unmapped === 1 && l.kind !== 'skipped')).toStrictEqual([]);
    expect(h.duplicates()).toStrictEqual([]);
  });
});
