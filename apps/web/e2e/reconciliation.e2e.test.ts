/**
 * Billing reconciliation end to end in Chromium: the built console served by the real server
 * (child process, demo seed with members) and the Autotask sandbox. Set-up goes through the API
 * (connect, auto-map, map services, preview); the screens under test are the members drill-down
 * from a preview line, the reconciliation page, its CSV download and its print view.
 */
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints } from '@coro/contracts';

import { sessionApi, type SessionApi } from './support/api.js';
import { connectorPageUrl, signIn } from './support/session.js';
import { chromiumAvailable, shotPath, startStack, type SandboxStack } from './support/stack.js';

const hasChromium = chromiumAvailable('the reconciliation e2e tests');
const services = [
  ['endpoint_security', 'Coro Endpoint Security'],
  ['edr', 'Coro EDR'],
  ['email_security', 'Coro Email Security'],
] as const;

describe.skipIf(!hasChromium)('reconciliation e2e (Chromium)', () => {
  let stack: SandboxStack;
  let page: Page;
  let api: SessionApi;
  let channelId = '';
  let connectorId = '';

  const ids = () => ({ channelId, connectorId });

  beforeAll(async () => {
    stack = await startStack({ label: 'recon' });
    page = await stack.newPage({ width: 1440, height: 900 }, { acceptDownloads: true });
    api = sessionApi(page, stack.baseUrl);

    channelId = await signIn(page, stack.baseUrl);
    const connector = await api.call(endpoints.connectors.create, {
      params: { channelId },
      body: {
        kind: 'autotask',
        username: stack.sandbox.apiUser.username,
        secret: stack.sandbox.apiUser.secret,
      },
    });
    connectorId = connector.id;
    const proposals = await api.call(endpoints.mappings.autoMapProposals, { params: ids() });
    await api.call(endpoints.mappings.autoMapApply, {
      params: ids(),
      body: {
        pairs: proposals.items
          .filter((p) => p.isPreselected)
          .map((p) => ({ workspaceId: p.workspaceId, companyId: p.companyId })),
      },
    });
    const psaServices = await api.call(endpoints.lookups.services, { params: ids(), query: { limit: 100 } });
    for (const [key, name] of services) {
      const psa = psaServices.items.find((s) => s.name === name);
      if (!psa) throw new Error(`sandbox has no ${name}`);
      await api.call(endpoints.mappings.mapService, {
        params: { ...ids(), serviceKey: key },
        body: { psaServiceId: psa.id },
      });
    }
    await api.call(endpoints.sync.preview, { params: ids() });
  }, 240_000);

  // beforeAll may have failed before the stack started.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  afterAll(() => stack?.close());

  it('drills down from a preview line to the members behind its count', async () => {
    await page.goto(connectorPageUrl(stack.baseUrl, ids(), 'sync'));
    const who = page.getByRole('button', { name: /^Members behind / }).first();
    await who.waitFor({ timeout: 30_000 });
    await who.click();
    const dialog = page.getByRole('dialog');
    const heading = dialog.getByText(/^\d+ (devices?|users?) on /);
    await heading.waitFor({ timeout: 30_000 });
    const listed = await dialog.getByRole('region', { name: 'Members' }).getByRole('listitem').count();
    expect(listed).toBe(Number(/^(\d+)/.exec((await heading.textContent()) ?? '')?.[1]));
    expect(listed).toBeGreaterThan(0);
    await page.screenshot({ path: shotPath('recon-01-drill-down') });
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('shows the demo month: disagreeing rows first, totals and the estimate rule', async () => {
    // An applied sync gives the month adjustments we wrote and the contracts to read units from.
    const { runId } = await api.call(endpoints.sync.start, { params: ids() });
    if (runId === null) throw new Error('no sync run was started');
    const runDeadline = Date.now() + 120_000;
    for (;;) {
      const { run } = await api.call(endpoints.sync.run, {
        params: { ...ids(), runId },
        query: { limit: 1 },
      });
      if (run.status !== 'queued' && run.status !== 'running') break;
      if (Date.now() > runDeadline) throw new Error(`sync run still ${run.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await page.getByRole('tab', { name: 'Reconciliation' }).click();
    const table = page.getByRole('table', { name: 'Reconciliation rows' });
    await table.getByRole('row').nth(1).waitFor({ timeout: 60_000 });
    await page.getByText(/^Estimate: units × unit price/).waitFor();
    await page.getByLabel('Month totals').waitFor();
    const statuses = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r.textContent.includes('Differs') ? 'differs' : 'agrees')));
    expect(statuses.length).toBeGreaterThan(0);
    const firstAgree = statuses.indexOf('agrees');
    if (firstAgree >= 0) expect(statuses.slice(firstAgree)).not.toContain('differs');
    await page.getByRole('img', { name: 'Estimated charge by company' }).waitFor();
    await page.screenshot({ path: shotPath('recon-02-page'), fullPage: true });
  });

  it('downloads the CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(
      'company,service,coro_at_billing_date,coro_min,coro_max,psa_units_at_billing_date,sub_periods,adjustments_written,manual_changes,estimated_charge,agrees,reason',
    );
    expect(text.split('\n').length).toBeGreaterThan(3);
  });

  it('prints one company per page', async () => {
    await page.getByLabel('One company per page').check();
    await page.locator('.recon-company').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    const breaks = await page
      .locator('.recon-company')
      .evaluateAll((sections) => sections.map((s) => getComputedStyle(s).breakBefore));
    expect(breaks.length).toBeGreaterThan(1);
    expect(breaks.slice(1).every((b) => b === 'page')).toBe(true);
    await page.screenshot({ path: shotPath('recon-03-print'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });
});
