/**
 * Keyboard-only workspace mapping in Debian's Chromium: the built console served by the real server
 * (child process, demo seed) and the Autotask sandbox; set-up (connect, auto-map) goes through the
 * API. Three rows are mapped without a mouse click, focus never falls to the page body, outcomes are
 * announced in the polite live region, a company another workspace holds cannot be chosen (no
 * 409), rows stay compact (≤ 56 px), axe finds nothing serious, and 390 px does not scroll sideways.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints } from '@coro/contracts';

import { sessionApi, type SessionApi } from './support/api.js';
import { atPhoneWidth, seriousViolations, sidewaysScroll } from './support/checks.js';
import { connectorPageUrl, signIn } from './support/session.js';
import { chromiumAvailable, shotPath, startStack, type SandboxStack } from './support/stack.js';

const hasChromium = chromiumAvailable('the mapping keyboard e2e tests');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What has the focus: the page body, or the row and label of a mapping control. */
async function focused(page: Page): Promise<{ isBody: boolean; rowId: string | null; label: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      isBody: !el || el === document.body,
      rowId: el?.closest('tr')?.getAttribute('data-row-id') ?? null,
      label: el?.getAttribute('aria-label') ?? null,
    };
  });
}

describe.skipIf(!hasChromium)('workspace mapping by keyboard (Chromium)', () => {
  let stack: SandboxStack;
  let page: Page;
  let api: SessionApi;
  let channelId = '';
  let connectorId = '';
  const conflicts: string[] = [];

  const ids = () => ({ channelId, connectorId });
  const mappingUrl = () => connectorPageUrl(stack.baseUrl, ids(), 'workspace-mapping');
  const live = () => page.getByTestId('mapping-live');
  const table = () => page.getByRole('table', { name: 'Coro workspace to Autotask Company mapping' });

  beforeAll(async () => {
    stack = await startStack({ label: 'mapkbd' });
    // The laptop the issue names.
    page = await stack.newPage({ width: 1366, height: 768 });
    page.on('response', (response) => {
      if (response.status() === 409) conflicts.push(`${response.request().method()} ${response.url()}`);
    });
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
  }, 180_000);

  // beforeAll may have failed before the stack started.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  afterAll(() => stack?.close());

  it('maps three rows with the keyboard only; focus stays on the row, outcomes are announced', async () => {
    const mappings = await api.call(endpoints.mappings.workspaces, { params: ids(), query: { limit: 200 } });
    const companies = await api.call(endpoints.lookups.companies, { params: ids(), query: { limit: 100 } });
    const free = companies.items.filter((c) => !c.mappedWorkspace && c.isActive);
    const targets = mappings.items
      .filter((item) => !item.mapping)
      .slice(0, 3)
      .map((item, i) => ({ workspace: item, company: free[i] }));
    expect(targets).toHaveLength(3);

    await page.goto(mappingUrl());
    await table().getByRole('rowheader').first().waitFor();
    await page.waitForLoadState('networkidle');

    // Tab into the table: exactly one stop for all its rows, then Tab leaves the table.
    let tabs = 0;
    while (!(await focused(page)).rowId && tabs < 40) {
      await page.keyboard.press('Tab');
      tabs += 1;
    }
    const entry = await focused(page);
    expect(entry.rowId, 'Tab reaches the table').not.toBeNull();
    expect(entry.label).toMatch(/^Autotask Company for /);
    await page.keyboard.press('Tab');
    expect((await focused(page)).rowId, 'one tab stop per row: the next Tab leaves the table').toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).rowId).toBe(entry.rowId);

    const rowIds = await table()
      .locator('tbody tr[data-row-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-id')));
    const goToRow = async (rowId: string) => {
      for (let i = 0; i < rowIds.length && (await focused(page)).rowId !== rowId; i += 1) {
        const at = rowIds.indexOf((await focused(page)).rowId);
        await page.keyboard.press(at < rowIds.indexOf(rowId) ? 'ArrowDown' : 'ArrowUp');
      }
      expect((await focused(page)).rowId).toBe(rowId);
    };

    for (const [index, { workspace, company }] of targets.entries()) {
      if (!company) throw new Error('not enough free companies in the demo seed');
      await goToRow(workspace.workspaceId);
      // Typing on the row opens its picker with that character as the search; Enter picks.
      await page.keyboard.type(company.name, { delay: 15 });
      const option = page.getByRole('option', { name: new RegExp(`^${escapeRegExp(company.name)}`) }).first();
      await expect.poll(() => option.getAttribute('aria-selected'), { timeout: 15_000 }).not.toBeNull();
      await expect
        .poll(() => page.locator('.MuiAutocomplete-option.Mui-focused').first().textContent())
        .toContain(company.name);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => live().textContent(), { timeout: 30_000 })
        .toBe(`Mapped ${workspace.workspaceName} to ${company.name}`);
      const after = await focused(page);
      expect(after.isBody, `focus after mapping row ${index + 1}`).toBe(false);
      expect(after.rowId).toBe(workspace.workspaceId);
      expect(after.label).toBe(`Autotask Company for ${workspace.workspaceName}: ${company.name}`);
    }
    await page.screenshot({ path: shotPath('workspace-mapping-keyboard-mapped') });

    // F2 opens, Escape closes, and the focus is back on the row's control.
    await page.keyboard.press('F2');
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    expect((await focused(page)).label).toMatch(/^Autotask Company for /);

    // Unmap with arrows inside the row: Right reaches Unmap, the dialog confirms, focus returns.
    const last = targets[2];
    if (!last?.company) throw new Error('unreachable');
    await goToRow(last.workspace.workspaceId);
    let steps = 0;
    while ((await focused(page)).label !== `Unmap ${last.workspace.workspaceName}` && steps < 6) {
      await page.keyboard.press('ArrowRight');
      steps += 1;
    }
    expect((await focused(page)).label).toBe(`Unmap ${last.workspace.workspaceName}`);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Unmap ${last.workspace.workspaceName}?` });
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => live().textContent(), { timeout: 30_000 })
      .toBe(`Unmapped ${last.workspace.workspaceName}`);
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await focused(page)).label)
      .toBe(`Autotask Company for ${last.workspace.workspaceName}: Map`);
  });

  it('shows a company another workspace holds, with its holder, and does not let it be chosen', async () => {
    const mappings = await api.call(endpoints.mappings.workspaces, { params: ids(), query: { limit: 200 } });
    const holder = mappings.items.find((item) => item.mapping);
    const row = mappings.items.find((item) => !item.mapping);
    if (!holder?.mapping || !row) throw new Error('the demo seed needs a mapped and an unmapped row');
    const held = holder.mapping.companyName;

    const trigger = table().getByRole('button', { name: `Autotask Company for ${row.workspaceName}: Map` });
    await trigger.focus();
    await page.keyboard.type(held, { delay: 15 });
    const option = page.getByRole('option', { name: new RegExp(`^${escapeRegExp(held)}`) }).first();
    await option.waitFor({ timeout: 15_000 });
    await expect(option.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(option.textContent()).resolves.toContain(`Already mapped to ${holder.workspaceName}`);
    expect(await seriousViolations(page), 'picker open').toEqual([]);
    // Down cannot land on it and Enter cannot pick it: nothing is sent, so no 409.
    await page.keyboard.press('ArrowDown');
    expect(await option.getAttribute('class')).not.toContain('Mui-focused');
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    expect((await focused(page)).label).toBe(`Autotask Company for ${row.workspaceName}: Map`);
    expect(conflicts).toEqual([]);
  });

  it('keeps rows compact at 1366×768 and passes axe', async () => {
    await page.goto(mappingUrl());
    await table().getByRole('rowheader').first().waitFor();
    await page.waitForLoadState('networkidle');
    const heights = await table()
      .locator('tbody tr[data-row-id]')
      .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    await page.screenshot({ path: shotPath('workspace-mapping-compact') });
    const tall = await table()
      .locator('tbody tr[data-row-id]')
      .evaluateAll((rows) =>
        rows
          .filter((r) => r.getBoundingClientRect().height > 56)
          .map((r) => `${r.getBoundingClientRect().height}px ${r.textContent}`),
      );
    expect(tall, 'rows taller than 56 px').toEqual([]);
    expect(heights.length).toBeGreaterThan(12);
    expect(Math.max(...heights)).toBeLessThanOrEqual(56);
    // With the table scrolled to the top of the window, how many whole rows a laptop shows.
    await table()
      .locator('tbody tr')
      .first()
      .evaluate((row) => row.scrollIntoView({ block: 'start' }));
    const visible = await table()
      .locator('tbody tr[data-row-id]')
      .evaluateAll(
        (rows) =>
          rows.filter((r) => {
            const box = r.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
          }).length,
      );
    console.log(`mapping rows: max height ${Math.max(...heights)} px, ${visible} whole rows in 1366×768`);
    expect(visible).toBeGreaterThanOrEqual(12);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shotPath('workspace-mapping-compact') });
    expect(await seriousViolations(page), 'workspace mapping').toEqual([]);
  });

  it('refreshes changes or fully reloads from the PSA, with progress and the result', async () => {
    await page.goto(mappingUrl());
    await table().getByRole('rowheader').first().waitFor();
    await page.getByRole('button', { name: 'Refresh changes from Autotask' }).press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: /^Refreshed changes from Autotask: / })
      .waitFor({ timeout: 30_000 });
    const full = page.getByRole('button', { name: 'Full reload from Autotask' });
    await full.press('Enter');
    await page.getByRole('button', { name: 'Reloading from Autotask…' }).waitFor();
    const result = page.getByRole('alert').filter({ hasText: /^Full reload from Autotask: \d+ companies/ });
    await result.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: shotPath('workspace-mapping-full-reload') });
    expect((await focused(page)).isBody).toBe(false);
  });

  it("shows the server's next run (with its jitter) in the MSP's time zone in the header", async () => {
    const settings = await api.call(endpoints.sync.settings, { params: ids() });
    await api.call(endpoints.sync.putSettings, {
      params: ids(),
      body: {
        policy: { ...settings.policy, timeZone: 'Europe/Berlin' },
        isScheduleEnabled: true,
        scheduleTime: '06:00',
        startScheduleBeforeFirstSync: true,
      },
    });
    const connector = await api.call(endpoints.connectors.get, { params: ids() });
    expect(connector.nextSyncAt).not.toBeNull();
    const expected = new Intl.DateTimeFormat('en-US', {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Berlin',
      timeZoneName: 'short',
    }).format(new Date(connector.nextSyncAt ?? ''));
    await page.goto(mappingUrl());
    await expect
      .poll(() => page.getByTestId('connector-sync-times').textContent())
      .toContain(`Next sync ${expected} (Europe/Berlin)`);
  });

  it('does not scroll sideways at 390 px', async () => {
    const phone = await atPhoneWidth(stack, { sessionOf: page });
    await phone.goto(mappingUrl());
    await phone
      .getByRole('table', { name: 'Coro workspace to Autotask Company mapping' })
      .getByRole('rowheader')
      .first()
      .waitFor();
    await phone.waitForLoadState('networkidle');
    expect((await sidewaysScroll(phone)).px).toBe(0);
    await phone.screenshot({ path: shotPath('workspace-mapping-390') });
    expect(await seriousViolations(phone), 'workspace mapping at 390 px').toEqual([]);
    await phone.context().close();
  });
});
