/**
 * The Team page in Debian's Chromium: the built console served by the real server (child process,
 * fresh SQLite DATA_DIR, Coro demo seed). An admin adds a member (one-time password shown once, and
 * it signs in), changes the role, removes the member after a confirmation; a viewer sees the list
 * read-only; axe finds no serious/critical violation on the page and its dialogs; 390 px fits.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints } from '@coro/contracts';

import { sessionApi, type SessionApi } from './support/api.js';
import { atPhoneWidth, seriousViolations, sidewaysScroll } from './support/checks.js';
import { admin, signIn, viewer } from './support/session.js';
import { chromiumAvailable, shotPath, startStack, type Stack } from './support/stack.js';

const hasChromium = chromiumAvailable('the Team e2e tests');
const newcomer = 'e2e.newcomer@northwind.example';

describe.skipIf(!hasChromium)('Team page (Chromium)', () => {
  let stack: Stack;
  let page: Page;
  let api: SessionApi;
  let channelId = '';

  const teamUrl = () => `${stack.baseUrl}/channels/${channelId}/control-panel/team`;
  const shot = async (name: string, target: Page = page) => {
    await target.waitForLoadState('networkidle').catch(() => undefined);
    await target.screenshot({ path: shotPath(name) });
  };
  const roleOf = async (email: string): Promise<string | undefined> =>
    (await api.call(endpoints.team.list, { params: { channelId } })).items.find((m) => m.email === email)
      ?.role;
  const newPage = (width: number) => stack.newPage({ width, height: 900 });

  beforeAll(async () => {
    stack = await startStack({ label: 'team', withSandbox: false });
    page = await newPage(1280);
    api = sessionApi(page, stack.baseUrl);
  }, 180_000);

  // beforeAll may have failed before the stack started.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  afterAll(() => stack?.close());

  it('an admin opens Team from the navigation: members, own title, no serious axe violation', async () => {
    channelId = await signIn(page, stack.baseUrl, admin);
    await page.getByRole('navigation', { name: 'Control Panel' }).getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await expect.poll(() => page.title()).toMatch(/^Team · .+ · Coro console$/);
    const table = page.getByRole('table', { name: 'Team members' });
    await table.getByText(admin.email).waitFor();
    await table.getByText(viewer.email).waitFor();
    expect(await seriousViolations(page), 'team page').toEqual([]);
    await shot('14-team');
  });

  it('adds a member (password shown once, and it signs in), changes the role, removes after confirming', async () => {
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add member' });
    await dialog.waitFor();
    await dialog.getByLabel('E-mail').fill(newcomer);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'MSP Billing (read-only)' }).click();
    // The role menu fades out after the pick; axe on its half-transparent options reports a
    // contrast failure that no user sees, so check once the menu is gone. MUI marks the closing
    // menu aria-hidden at once, and a plain getByRole skips aria-hidden elements (it saw the
    // listbox "detached" while the menu was still fading): only includeHidden waits for its removal.
    await page.getByRole('listbox', { includeHidden: true }).waitFor({ state: 'detached' });
    expect(await seriousViolations(page), 'add member dialog').toEqual([]);
    await shot('14-team-add-dialog');
    await dialog.getByRole('button', { name: 'Add member' }).click();

    const added = page.getByRole('dialog', { name: 'Member added' });
    await added.waitFor();
    const password = await added.getByLabel('One-time password').inputValue();
    expect(password.length).toBeGreaterThanOrEqual(20);
    await added.getByText(/shown only once/).waitFor();
    expect(await seriousViolations(page), 'one-time password dialog').toEqual([]);
    await shot('14-team-one-time-password');
    await added.getByRole('button', { name: 'Done' }).click();
    await added.waitFor({ state: 'detached' });
    expect(await page.getByText(password).count()).toBe(0);
    await expect.poll(() => roleOf(newcomer)).toBe('msp_billing');

    // The newcomer's first sign-in (the invitation's link pre-fills the e-mail): own password first.
    const other = await newPage(1280);
    await other.goto(`${stack.baseUrl}/login?email=${encodeURIComponent(newcomer)}`);
    expect(await other.getByLabel('Email').inputValue()).toBe(newcomer);
    await other.getByLabel('Password').fill(password);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('heading', { name: 'Choose your password', level: 1 }).waitFor();
    expect(await seriousViolations(other), 'choose your password').toEqual([]);
    await other.getByLabel(/One-time password/).fill(password);
    await other.getByLabel(/^New password/).fill('newcomer-own-pass-2026');
    await other.getByLabel(/Repeat the new password/).fill('newcomer-own-pass-2026');
    await other.getByRole('button', { name: 'Save password' }).click();
    await other.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    await other.context().close();

    await page.getByRole('combobox', { name: `Role of ${newcomer}` }).click();
    await page.getByRole('option', { name: 'MSP Viewer' }).click();
    await expect.poll(() => roleOf(newcomer)).toBe('msp_viewer');

    await page.getByRole('button', { name: `Remove ${newcomer}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove from the team?' });
    await confirm.waitFor();
    expect(await seriousViolations(page), 'remove confirmation').toEqual([]);
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Team members' })
      .getByText(newcomer)
      .waitFor({ state: 'detached' });
    await expect.poll(() => roleOf(newcomer)).toBeUndefined();
  });

  it('fits 390 px as one card per member, without scrolling sideways', async () => {
    const phone = await atPhoneWidth(stack, { height: 900 });
    await signIn(phone, stack.baseUrl, admin);
    await phone.goto(teamUrl());
    await phone.getByRole('list', { name: 'Team members' }).getByText(admin.email).waitFor();
    expect((await sidewaysScroll(phone)).px).toBeLessThanOrEqual(0);
    expect(await seriousViolations(phone), 'team page at 390 px').toEqual([]);
    await shot('14-team-phone', phone);
    await phone.context().close();
  });

  it('a viewer sees the same list read-only: no add, role select or remove', async () => {
    const viewerPage = await newPage(1280);
    await signIn(viewerPage, stack.baseUrl, viewer);
    await viewerPage.goto(teamUrl());
    const table = viewerPage.getByRole('table', { name: 'Team members' });
    await table.getByText(admin.email).waitFor();
    await viewerPage.getByText('Only an MSP Administrator can change the team.').waitFor();
    expect(await viewerPage.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await viewerPage.getByRole('combobox').count()).toBe(0);
    expect(await seriousViolations(viewerPage), 'team page (viewer)').toEqual([]);
    await shot('14-team-viewer', viewerPage);
    await viewerPage.context().close();
  });
});
