import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { addDays } from '../domain/billing-policy.js';
import {
  createSyncHarness,
  demoCounts,
  demoWorkspaces,
  type SyncHarness,
} from '../sync/sync.test-support.js';
import { buildReconciliation, type ReconciliationReport } from './reconciliation.service.js';

const day = 86_400_000;

describe.skipIf(isDatabaseUnavailable())(
  `monthly reconciliation against the sandbox (${testDialect()})`,
  () => {
    let h: SyncHarness;
    let report: ReconciliationReport;
    let firstDay: string;
    let secondDay: string;
    const row = (company: string, service: string) => {
      const found = report.rows.find((r) => r.companyName === company && r.serviceKey === service);
      if (!found) throw new Error(`no row ${company}/${service}`);
      return found;
    };

    beforeAll(async () => {
      h = await createSyncHarness();
      // Two days inside one month: the second must not cross into the next month.
      if (Number(h.today().slice(8, 10)) > 27) h.clock.advance(5 * day);
      firstDay = h.today();
      for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(20, 15));
      await h.setUsage('Acme Corporation', demoCounts(42, 37));
      expect((await h.run()).status).not.toBe('failed');

      // Next day: a mid-month increase we push, a hand edit in the PSA, a line held by a guardrail.
      h.clock.advance(day);
      secondDay = h.today();
      for (const [name] of demoWorkspaces) await h.setUsage(name, demoCounts(20, 15));
      await h.setUsage('Acme Corporation', demoCounts(50, 37));
      const increase = await h.run();
      const delta = (await h.lines(increase.runId)).find(
        (l) => l.workspace_name === 'Delta Freight Partners' && l.service_key === 'edr',
      );
      const edit = await h.other().createUnitAdjustment({
        contractId: delta?.contract_id ?? '',
        serviceId: delta?.psa_service_id ?? '',
        unitChange: 7,
        effectiveDate: secondDay,
      });
      expect(edit.ok).toBe(true);
      await h.setPolicy({
        guardrails: { maxUnitChange: 10, maxPercentChange: null, maxPercentDecrease: null },
      });
      await h.setUsage('Cedar Ridge Dental', { endpoint_security: { devices: 80, users: 0 } });
      await h.run();
      report = await buildReconciliation(h.t.ctx, h.connectorId, h.channelId, secondDay.slice(0, 7));
    });
    afterAll(async () => {
      await h.close();
    });

    it('bills on the last sync of the month and agrees where we pushed a mid-month increase', () => {
      expect(report.billingDate).toBe(secondDay);
      const acme = row('Acme Corporation', 'endpoint_security');
      expect(acme).toMatchObject({
        coroAtBillingDate: 50,
        coroMin: 42,
        coroMax: 50,
        unitsAtBillingDate: 50,
        isAgreeing: true,
        reason: null,
        manualChanges: [],
      });
      expect(acme.adjustments.map((a) => [a.effectiveDate, a.toUnits, a.state])).toStrictEqual([
        [firstDay, 42, 'applied'],
        [secondDay, 50, 'applied'],
      ]);
      // The PSA's windows, as sub-periods: 42 on the first day only, 50 from the second day on.
      const tail = acme.periods.slice(-2).map((p) => [p.startDate, p.endDate, p.units]);
      expect(tail).toStrictEqual([
        [firstDay, firstDay, 42],
        [
          secondDay,
          `${secondDay.slice(0, 7)}-${String(new Date(Date.UTC(Number(secondDay.slice(0, 4)), Number(secondDay.slice(5, 7)), 0)).getUTCDate())}`,
          50,
        ],
      ]);
    });

    it('names the manual edit and the held line, and puts them first', () => {
      const delta = row('Delta Freight Partners', 'edr');
      expect(delta).toMatchObject({
        isAgreeing: false,
        reason: `Units edited by hand in the PSA on ${secondDay} (20 → 27)`,
        manualChanges: [{ day: secondDay, fromUnits: 20, toUnits: 27 }],
        unitsAtBillingDate: 27,
      });
      const cedar = row('Cedar Ridge Dental', 'endpoint_security');
      expect(cedar.isAgreeing).toBe(false);
      expect(cedar.reason).toMatch(/^Held for approval: /);
      expect([cedar.coroAtBillingDate, cedar.unitsAtBillingDate]).toStrictEqual([80, 20]);
      const firstAgreeing = report.rows.findIndex((r) => r.isAgreeing);
      expect(report.rows.slice(firstAgreeing).every((r) => r.isAgreeing)).toBe(true);
      expect(report.total.disagreeing).toBe(firstAgreeing);
    });

    it('estimates each line as the sum of its prorated sub-periods and totals per company', () => {
      for (const r of report.rows) {
        if (r.estimate === null) continue;
        const sum = r.periods.reduce((s, p) => s + (p.estimate ?? 0), 0);
        expect(r.estimate).toBeCloseTo(sum, 2);
      }
      const acme = report.companies.find((c) => c.companyName === 'Acme Corporation');
      const acmeRows = report.rows.filter((r) => r.companyName === 'Acme Corporation');
      expect(acme?.estimate).toBeCloseTo(
        acmeRows.reduce((s, r) => s + (r.estimate ?? 0), 0),
        2,
      );
      expect(report.comparison.previousMonth).toBe(addDays(`${secondDay.slice(0, 7)}-01`, -1).slice(0, 7));
    });
  },
);
