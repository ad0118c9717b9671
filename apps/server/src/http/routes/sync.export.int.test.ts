import { endpoints, type SyncRunParams } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureChannelConnector, startRbacAutotask } from '../../../test/rbac-connector.js';
import { createTestApp, type TestApp } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { newId } from '../../db/ids.js';
import type { PlannedLine } from '../../domain/sync-plan.js';
import { syncCsvColumns } from '../../sync/sync-run.csv.js';
import { createSyncRun, insertSyncLines } from '../../sync/sync-run.repository.js';

const { sandbox, provider } = await startRbacAutotask();

/** A planned line as the planner writes one; `i` makes each distinct. */
const line = (i: number): PlannedLine => ({
  workspaceId: `ws-${i}`,
  workspaceName: `Customer ${String(i).padStart(5, '0')}`,
  serviceKey: 'edr',
  serviceName: 'EDR',
  psaServiceId: '30',
  companyId: String(1000 + i),
  contractId: String(5000 + i),
  contractName: i === 7 ? '=HYPERLINK("x")' : `Contract, "${i}"`,
  contractServiceId: String(9000 + i),
  kind: 'adjust',
  problem: null,
  holdReason: null,
  skipReason: null,
  currentUnits: i,
  targetUnits: i + 1,
  delta: 1,
  lastConfirmedUnits: null,
  effectiveDate: '2026-11-27',
  isDeferred: false,
  isUnmapped: false,
  message: `${i} devices counted. ${i} → ${i + 1} (+1).`,
  advice: null,
  unitPrice: null,
});

/**
 * The run's CSV download: every line once, in plan order, streamed a page at a time (a big
 * channel's run has tens of thousands of lines), spreadsheet-safe cells.
 */
describe.skipIf(isDatabaseUnavailable())(`GET …/sync/runs/:runId/export.csv (${testDialect()})`, () => {
  let t: TestApp;
  let params: SyncRunParams;
  const count = 2_345; // more than two pages of 1,000
  beforeAll(async () => {
    t = await createTestApp({ psaProviders: { autotask: provider } });
    const { id: connectorId } = await ensureChannelConnector(t, sandbox);
    const runId = newId();
    const now = t.clock().toISOString();
    await createSyncRun(t.db, {
      id: runId,
      connectorId,
      mode: 'dry-run',
      trigger: 'manual',
      status: 'succeeded',
      requestedBy: null,
      now,
    });
    const works = Array.from({ length: count }, (_, i) => ({
      id: newId(),
      line: line(i),
      status: 'not_applied' as const,
    }));
    await insertSyncLines(t.db, runId, 0, works, now);
    params = { channelId: t.seed.channel.id, connectorId, runId };
  });
  afterAll(async () => {
    await t.close();
  });

  it('streams every line once, in plan order, as CSV with quoted and formula-safe cells', async () => {
    const response = await t.call(endpoints.sync.exportCsv, { params }, 'viewer');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="sync-run-.+\.csv"$/);
    const rows = response.body.split('\r\n');
    expect(rows.pop()).toBe(''); // ends with a line break
    expect(rows[0]).toBe(syncCsvColumns.join(','));
    expect(rows).toHaveLength(count + 1);
    const workspaces = rows.slice(1).map((r) => r.split(',')[0]);
    expect(workspaces).toStrictEqual(
      Array.from({ length: count }, (_, i) => `Customer ${String(i).padStart(5, '0')}`),
    );
    expect(rows[1 + 12]).toBe(
      'Customer 00012,EDR,1012,"Contract, ""12""",adjust,,12,13,1,2026-11-27,not_applied,12 devices counted. 12 → 13 (+1).,',
    );
    expect(rows[1 + 7]).toContain(`,"'=HYPERLINK(""x"")",`);
  });
});
