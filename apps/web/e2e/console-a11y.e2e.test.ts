/**
 * Accessibility, phone layout and the credentials screens, in Debian's Chromium: the built console
 * served by the real server (child process, fresh SQLite DATA_DIR, Coro demo seed) talking to the
 * Autotask sandbox (in-process). axe-core runs on every page and dialog reached here (0 serious or
 * critical violations); each page is loaded at 390 px and must not scroll sideways.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints } from '@coro/contracts';

import { sessionApi, type SessionApi } from './support/api.js';
import { phoneViewport, seriousViolations, sidewaysScroll } from './support/checks.js';
import { admin, channelIdOf, connectorPageUrl, submitSignIn } from './support/session.js';
import { chromiumAvailable, shotPath, startStack, type SandboxStack } from './support/stack.js';

const hasChromium = chromiumAvailable('the console a11y e2e tests');

describe.skipIf(!hasChromium)('console a11y, phone layout and credentials (Chromium)', () => {
  let stack: SandboxStack;
  let page: Page;
  let api: SessionApi;
  let channelId = '';
  let connectorId = '';

  const shot = async (name: string, target: Page = page) => {
    await target.waitForLoadState('networkidle').catch(() => undefined);
    await target.screenshot({ path: shotPath(name) });
  };

  /** No serious or critical axe violation, once the network has settled and dialogs have faded in. */
  const expectAccessible = async (what: string, target: Page = page) => {
    expect(await seriousViolations(target), what).toEqual([]);
  };

  const getConnector = () => api.call(endpoints.connectors.get, { params: { channelId, connectorId } });

  beforeAll(async () => {
    stack = await startStack({ label: 'a11y' });
    page = await stack.newPage({ width: 1280, height: 900 });
    api = sessionApi(page, stack.baseUrl);
  }, 180_000);

  // beforeAll may have failed before the stack started.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  afterAll(() => stack?.close());

  it('sign-in and the empty connectors page: own titles, skip link, no serious axe violations', async () => {
    await page.goto(`${stack.baseUrl}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.title()).resolves.toBe('Sign in · Coro console');
    await expectAccessible('sign-in');
    await submitSignIn(page, admin);
    channelId = channelIdOf(page);
    await expect.poll(() => page.title()).toMatch(/^Connectors · .+ · Coro console$/);
    await expectAccessible('connectors (empty)');

    // The skip link is the first tab stop and lands on <main>.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await expect(skip.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main-content');

    await page.getByRole('button', { name: 'ADD CONNECTOR' }).click();
    await page.getByRole('dialog', { name: 'Add PSA Connection' }).waitFor();
    await expectAccessible('add PSA connection dialog');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Autotask/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Add Autotask connector' });
    await dialog.waitFor();
    await expectAccessible('add Autotask connector dialog');
    await dialog.getByLabel('User name').fill(stack.sandbox.apiUser.username);
    await dialog.getByLabel('Secret').fill(stack.sandbox.apiUser.secret);
    await dialog.getByRole('button', { name: 'CONNECT', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const table = page.getByRole('table', { name: 'PSA Connectors' });
    await table.getByText('Connected').waitFor();
    const list = await api.call(endpoints.connectors.list, { params: { channelId } });
    connectorId = list.items[0]?.id ?? '';
    expect(connectorId).not.toBe('');
    await expectAccessible('connectors (one connector)');
  });

  it('ADD CONNECTOR with Autotask connected shows it as connected, with a link to its credentials', async () => {
    await page.getByRole('button', { name: 'ADD CONNECTOR' }).click();
    const chooser = page.getByRole('dialog', { name: 'Add PSA Connection' });
    await chooser.getByText(`Already connected as ${stack.sandbox.apiUser.username}`).waitFor();
    // Not offered a second time: no button leads to CONNECT.
    expect(await chooser.getByRole('button', { name: /Autotask/ }).count()).toBe(0);
    await expectAccessible('add PSA connection dialog (connected)');
    await shot('a11y-01-add-connector-already-connected');
    await chooser.getByRole('button', { name: 'Update credentials' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update Autotask credentials' });
    await dialog.waitFor();
    await expectAccessible('update credentials dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('update credentials from the row menu: a wrong secret keeps the old ones, the right one replaces them', async () => {
    const before = await getConnector();
    const menuButton = page.getByRole('button', { name: 'Autotask connector actions' });
    await menuButton.click();
    await page.getByRole('menuitem', { name: 'Update credentials' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update Autotask credentials' });
    await expect(dialog.getByLabel('User name').inputValue()).resolves.toBe(stack.sandbox.apiUser.username);
    await dialog.getByLabel('New secret').fill('not-the-secret');
    await dialog.getByRole('button', { name: 'UPDATE', exact: true }).click();
    await dialog.getByText('The current credentials were kept.').waitFor({ timeout: 30_000 });
    await expect(dialog.getByLabel('New secret').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot('a11y-02-update-credentials-wrong-secret');
    await expectAccessible('update credentials dialog (wrong secret)');
    // Kept: the connector still works and was not re-verified with the wrong secret.
    const kept = await getConnector();
    expect(kept.status).toBe('connected');
    expect(kept.lastVerifiedAt).toBe(before.lastVerifiedAt);

    await dialog.getByLabel('New secret').fill(stack.sandbox.apiUser.secret);
    await dialog.getByRole('button', { name: 'UPDATE', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    // Focus comes back to the control that opened the dialog, not to the page body.
    await expect(menuButton.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const replaced = await getConnector();
    expect(replaced.status).toBe('connected');
    expect(replaced.lastVerifiedAt).not.toBe(before.lastVerifiedAt);
    expect(await page.content()).not.toContain(stack.sandbox.apiUser.secret);
  });

  it('connector pages: own titles and no serious axe violations; settings offers Update credentials', async () => {
    for (const [section, heading] of [
      ['workspace-mapping', 'Workspace mapping'],
      ['service-mapping', 'Service mapping'],
      ['sync', 'Sync'],
      ['settings', 'Settings'],
    ] as const) {
      await page.goto(connectorPageUrl(stack.baseUrl, { channelId, connectorId }, section));
      await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
      await expect
        .poll(() => page.title())
        .toMatch(new RegExp(`^${heading} · Autotask · .+ · Coro console$`));
      await expectAccessible(section);
      if (section === 'workspace-mapping') {
        await page.getByRole('button', { name: 'Auto-map…' }).click();
        const review = page.getByRole('dialog', { name: 'Review auto-map' });
        await review.getByRole('button', { name: /^Apply \d+ mappings?$/ }).waitFor({ timeout: 30_000 });
        await expectAccessible('auto-map review dialog');
        await page.keyboard.press('Escape');
        await review.waitFor({ state: 'detached' });
      }
    }
    await page.getByRole('button', { name: 'Update credentials' }).click();
    await page.getByRole('dialog', { name: 'Update Autotask credentials' }).waitFor();
    await shot('a11y-03-settings-update-credentials');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const button = page.getByRole('button', { name: 'Update credentials' });
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  });

  it('no page scrolls sideways at 390 px', async () => {
    await page.setViewportSize(phoneViewport);
    const connector = connectorPageUrl(stack.baseUrl, { channelId, connectorId });
    const pages = {
      connectors: connectorPageUrl(stack.baseUrl, { channelId }),
      'workspace-mapping': `${connector}/workspace-mapping`,
      'service-mapping': `${connector}/service-mapping`,
      sync: `${connector}/sync`,
      settings: `${connector}/settings`,
      reconciliation: `${connector}/reconciliation`,
    };
    const overflow: Record<string, { px: number; widest: string }> = {};
    for (const [name, url] of Object.entries(pages)) {
      await page.goto(url);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      overflow[name] = await sidewaysScroll(page);
      if (name === 'connectors') {
        // One card per connector: the PSA name stays on one line (a squeezed table cell once
        // wrapped it one letter per line without widening the page).
        const psaName = page
          .getByRole('list', { name: 'PSA Connectors' })
          .getByText('Autotask', { exact: true });
        expect((await psaName.boundingBox())?.height).toBeLessThan(40);
        await shot('a11y-04-connectors-390px');
      }
    }
    // The auto-map review dialog (full screen on a phone) at 390 px too.
    await page.goto(pages['workspace-mapping']);
    await page.getByRole('button', { name: 'Auto-map…' }).click();
    await page
      .getByRole('dialog', { name: 'Review auto-map' })
      .getByRole('button', { name: /^Apply \d+ mappings?$/ })
      .waitFor({ timeout: 30_000 });
    overflow['auto-map review'] = await sidewaysScroll(page);
    await shot('a11y-05-auto-map-review-390px');
    expect(overflow).toEqual(
      Object.fromEntries(
        [...Object.keys(pages), 'auto-map review'].map((name) => [name, { px: 0, widest: '' }]),
      ),
    );
  });
});
