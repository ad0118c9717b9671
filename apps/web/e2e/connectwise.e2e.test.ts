/**
 * ConnectWise end to end: the built console served by the real server (child process, fresh SQLite
 * DATA_DIR, Coro demo seed) talking HTTPS to the ConnectWise sandbox (in-process, demo seed, --tls;
 * the server trusts its self-signed certificate through CONNECTWISE_CA_FILE). Connect through the
 * ConnectWise dialog, map, preview, apply; then the sandbox's additions must hold Coro's counts.
 */
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints, type SyncRun } from '@coro/contracts';

import { sessionApi, type SessionApi } from './support/api.js';
import { phoneViewport, seriousViolations, sidewaysScroll } from './support/checks.js';
import { admin, connectorPageUrl, signIn } from './support/session.js';
import { chromiumAvailable, shotPath, startStack, type ConnectWiseStack } from './support/stack.js';

const hasChromium = chromiumAvailable('the ConnectWise e2e tests');
const demoServices = [
  ['Endpoint Security', 'Coro Endpoint Security'],
  ['EDR', 'Coro EDR'],
  ['Email Security', 'Coro Email Security'],
  ['Secure Messages', 'Coro Secure Messages'],
] as const;
const fits = { px: 0, widest: '' };

describe.skipIf(!hasChromium)('ConnectWise e2e (Chromium, HTTPS sandbox)', () => {
  let stack: ConnectWiseStack;
  let raw: Agent;
  let page: Page;
  let api: SessionApi;
  let channelId = '';
  let connectorId = '';

  const ids = () => ({ channelId, connectorId });

  /**
   * The current page loaded afresh at 390 px (as a phone would), must not scroll sideways; `shot`
   * keeps a screenshot of it for a look at the layout itself.
   */
  const reloadAtPhoneWidth = async (heading: string, level?: number, shot?: string) => {
    await page.setViewportSize(phoneViewport);
    await page.reload();
    await page
      .getByRole('heading', { name: heading, ...(level ? { level } : {}) })
      .first()
      .waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    expect(await sidewaysScroll(page)).toEqual(fits);
    if (shot) await page.screenshot({ path: shotPath(shot), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  /** Quantity in force per product on an agreement, read from the sandbox over its own API. */
  const additionQuantities = async (agreementId: string): Promise<Map<string, number>> => {
    const c = stack.sandbox.credentials;
    const answer = await request(
      `${stack.sandbox.url}/${c.codebase}apis/3.0/finance/agreements/${agreementId}/additions?pageSize=1000`,
      {
        dispatcher: raw,
        headers: {
          authorization: `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`,
          clientid: c.clientId,
        },
      },
    );
    expect(answer.statusCode).toBe(200);
    const rows = (await answer.body.json()) as {
      product: { id: number };
      quantity: number;
      cancelledDate?: string | null;
    }[];
    const out = new Map<string, number>();
    for (const r of rows.filter((x) => !x.cancelledDate))
      out.set(String(r.product.id), (out.get(String(r.product.id)) ?? 0) + r.quantity);
    return out;
  };

  beforeAll(async () => {
    stack = await startStack({ label: 'cw', withSandbox: 'connectwise' });
    raw = new Agent({ connect: { ca: readFileSync(stack.sandbox.caFile ?? '', 'utf8') } });
    page = await stack.newPage({ width: 1440, height: 900 });
    api = sessionApi(page, stack.baseUrl);
  }, 180_000);

  // beforeAll may have failed half-way: each of these may still be unset.
  /* eslint-disable @typescript-eslint/no-unnecessary-condition */
  afterAll(async () => {
    await raw?.close();
    await stack?.close();
  });
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */

  it('connects ConnectWise PSA through its dialog (axe clean, fits 390 px)', async () => {
    channelId = await signIn(page, stack.baseUrl, admin);
    await page.setViewportSize(phoneViewport);
    await page.getByRole('button', { name: 'ADD CONNECTOR' }).click();
    await page
      .getByRole('dialog', { name: 'Add PSA Connection' })
      .getByRole('button', { name: /ConnectWise/ })
      .click();
    const dialog = page.getByRole('dialog', { name: /Add ConnectWise PSA connector/ });
    const c = stack.sandbox.credentials;
    await dialog.getByLabel('Site').fill(c.site);
    await dialog.getByLabel('Company ID').fill(c.companyId);
    await dialog.getByLabel('Public key').fill(c.publicKey);
    await dialog.getByLabel('Private key').fill(c.privateKey);
    // seriousViolations waits for the dialog's fade-in: the shot below shows it as the admin sees it.
    expect(await seriousViolations(page)).toStrictEqual([]);
    expect(await sidewaysScroll(page)).toEqual(fits);
    await page.screenshot({ path: shotPath('connectwise-connect') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'CONNECT', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const table = page.getByRole('table', { name: 'PSA Connectors' });
    await table.getByText('Connected').waitFor();
    expect(await page.content()).not.toContain(c.privateKey);
    const list = await api.call(endpoints.connectors.list, { params: { channelId } });
    expect(JSON.stringify(list)).not.toContain(c.privateKey);
    connectorId = list.items[0]?.id ?? '';
    expect(await seriousViolations(page)).toStrictEqual([]);
    await reloadAtPhoneWidth('Connectors', 1);
  });

  it('maps workspaces by auto-map and services with the Map dropdown', async () => {
    await page.getByRole('link', { name: 'Workspace mapping: Setup required' }).click();
    await page.getByRole('heading', { name: 'Workspace mapping' }).waitFor();
    await page.getByRole('button', { name: 'Auto-map…' }).click();
    const review = page.getByRole('dialog', { name: 'Review auto-map' });
    await review
      .getByRole('checkbox', { name: 'Acme Corporation → Acme Corporation' })
      .waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page)).toStrictEqual([]);
    await review.getByRole('button', { name: /^Apply \d+ mappings$/ }).click();
    await page.getByText(/^Auto-map mapped \d+ workspaces/).waitFor({ timeout: 30_000 });
    await reloadAtPhoneWidth('Workspace mapping', 2, 'connectwise-workspace-mapping-390');

    await page.getByRole('tab', { name: 'Service mapping' }).click();
    await page.getByRole('heading', { name: 'Service mapping' }).waitFor();
    const table = page.getByRole('table', { name: 'Coro service to ConnectWise PSA Services mapping' });
    expect(await page.content()).not.toContain('Autotask');
    for (const [coro, product] of demoServices) {
      await table.getByRole('button', { name: new RegExp(`for ${coro}: Map$`) }).click();
      const combo = table.getByRole('combobox', { name: new RegExp(`for ${coro}$`) });
      await combo.pressSequentially(product.replace('Coro ', ''), { delay: 20 });
      await page
        .getByRole('option', { name: new RegExp(`^${product}`) })
        .first()
        .click();
      await table.getByRole('button', { name: new RegExp(`for ${coro}: ${product}$`) }).waitFor();
    }
    expect(await seriousViolations(page)).toStrictEqual([]);
  });

  it('previews and applies; the sandbox additions then hold the Coro counts', async () => {
    await page.goto(connectorPageUrl(stack.baseUrl, ids(), 'sync'));
    await page.getByRole('heading', { name: 'Sync', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByRole('table', { name: 'Run history' })
      .getByText('Succeeded')
      .first()
      .waitFor({ timeout: 90_000 });
    await page.getByRole('table', { name: 'Preview' }).getByRole('row').nth(1).waitFor();
    expect(await seriousViolations(page)).toStrictEqual([]);
    await reloadAtPhoneWidth('Sync', 2, 'connectwise-sync-390');

    const runs = async () => (await api.call(endpoints.sync.runs, { params: ids() })).items;
    const previewRun = (await runs()).find((r) => r.mode === 'dry-run');
    const reviewed = await api.call(endpoints.sync.run, {
      params: { ...ids(), runId: previewRun!.id },
      query: { limit: 5000 },
    });
    expect(reviewed.impact.changes).toBeGreaterThan(10);
    expect(stack.sandbox.admin.writes()).toHaveLength(0);
    await page.getByRole('button', { name: 'Apply this preview' }).click();
    const confirm = page.getByRole('dialog', { name: /^Apply this preview to ConnectWise/ });
    await confirm.getByRole('button', { name: `Apply ${reviewed.impact.changes} changes` }).click();
    await confirm.waitFor({ state: 'detached' });
    let applied: SyncRun | undefined;
    await expect
      .poll(
        async () => {
          applied = (await runs()).find((r) => r.mode === 'apply');
          return applied?.status;
        },
        { timeout: 150_000, interval: 500 },
      )
      .toMatch(/^(succeeded|partial|failed)$/);
    expect(applied?.status).toBe('succeeded');
    await page.screenshot({ path: shotPath('connectwise-synced') });

    // Independent check over the sandbox's own API: each written line's addition holds Coro's count.
    const detail = await api.call(endpoints.sync.run, {
      params: { ...ids(), runId: applied!.id },
      query: { limit: 5000 },
    });
    const services = await api.call(endpoints.mappings.services, { params: ids() });
    const usage = await api.call(endpoints.usage.channelDay, { params: { channelId } });
    const mappingOf = new Map(services.items.map((s) => [s.serviceKey, s.mapping]));
    let compared = 0;
    for (const line of detail.lines.items) {
      if (line.kind !== 'adjust' || !line.contractId) continue;
      const mapping = mappingOf.get(line.serviceKey);
      const counted = usage.rows.find(
        (r) => r.workspaceId === line.workspaceId && r.serviceKey === line.serviceKey,
      );
      const held = (await additionQuantities(line.contractId)).get(mapping!.psaServiceId);
      expect({ line: `${line.workspaceName} · ${line.serviceName}`, units: held }).toEqual({
        line: `${line.workspaceName} · ${line.serviceName}`,
        units: line.targetUnits,
      });
      if (counted && line.targetUnits !== 0) expect(line.targetUnits).toBe(counted[mapping!.billingBasis]);
      compared += 1;
    }
    expect(compared).toBe(reviewed.impact.changes);
  });

  it('names ConnectWise PSA, not Autotask, on the settings page', async () => {
    await page.goto(connectorPageUrl(stack.baseUrl, ids(), 'settings'));
    await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
    await page.getByLabel('When units were edited by hand in ConnectWise PSA').waitFor();
    expect(await page.content()).not.toContain('Autotask');
  });
});
