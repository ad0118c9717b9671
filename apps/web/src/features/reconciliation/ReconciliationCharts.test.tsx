import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { Reconciliation, ReconciliationRow } from '../../api/reconciliation.api.js';
import { EstimateByCompanyChart, LineSparkline } from './ReconciliationCharts.js';

afterEach(cleanup);

const row: ReconciliationRow = {
  companyId: '1',
  companyName: 'Alpha Co',
  workspaceId: 'w1',
  serviceKey: 'edr',
  serviceName: 'EDR',
  coroAtBillingDate: 12,
  coroMin: 10,
  coroMax: 12,
  unitsAtBillingDate: 12,
  periods: [
    { startDate: '2026-11-01', endDate: '2026-11-14', units: 10, unitPrice: 5, days: 14, estimate: 23.33 },
    { startDate: '2026-11-15', endDate: '2026-11-30', units: 12, unitPrice: 5, days: 16, estimate: 32 },
  ],
  adjustments: [],
  manualChanges: [],
  estimate: 55.33,
  isAgreeing: true,
  reason: null,
};

describe('reconciliation charts', () => {
  it('draws one step per sub-period and names units and Coro range', () => {
    const { container } = render(<LineSparkline row={row} month="2026-11" billingDate="2026-11-30" />);
    expect(screen.getByRole('img', { name: 'Units 10, 12; Coro 10–12' })).toBeTruthy();
    // two unit steps + the billing-date tick
    expect(container.querySelectorAll('line')).toHaveLength(3);
  });

  it('draws a bar per company with an estimate, labelled with the amount', () => {
    const report = {
      companies: [
        { companyId: '1', companyName: 'Alpha Co', lines: 1, disagreeing: 0, units: 12, estimate: 55.33 },
        { companyId: '2', companyName: 'Zero Co', lines: 1, disagreeing: 1, units: 0, estimate: 0 },
      ],
    } as unknown as Reconciliation;
    const { container } = render(<EstimateByCompanyChart report={report} />);
    expect(container.querySelectorAll('rect')).toHaveLength(1);
    expect(screen.getByText('Alpha Co')).toBeTruthy();
    expect(screen.getByText(/55[.,]33/)).toBeTruthy();
  });
});
