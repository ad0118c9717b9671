/**
 * Billing reconciliation end to end in Chromium: the built console served by the real server
 * (child process, demo seed with members) and the Autotask sandbox. Set-up goes through the API
 * (connect, auto-map, map services, preview); the screens under test are the members drill-down
 * from a preview line, the reconciliation page, its CSV download and its print view.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSandbox, type Sandbox } from 'autotask-sandbox';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AutoMapProposalList, Connector, PsaServicePage, SyncRunDetail } from '@coro/contracts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  if (process.env.CI === 'true') throw new Error(`${chromiumPath} is missing: CI must install chromium.`);
  console.warn(`\n#### SKIPPING the reconciliation e2e tests: ${chromiumPath} is not installed. ####\n`);
}

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(webDir, '../..');
const cli = join(repoRoot, 'apps/server/bin/coro-psa.mjs');
const shotsDir = join(repoRoot, 'artifacts/screenshots');
const admin = { email: 'admin@northwind.example', password: 'demo-admin-2026!' };
const services = [
  ['endpoint_security', 'Coro Endpoint Security'],
  ['edr', 'Coro EDR'],
  ['email_security', 'Coro Email Security'],
] as const;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

describe.skipIf(!hasChromium)('reconciliation e2e (Chromium)', () => {
  let sandbox: Sandbox;
  let server: ChildProcess;
  let output = '';
  let baseUrl = '';
  let dataDir = '';
  let browser: Browser;
  let page: Page;
  let channelId = '';
  let connectorId = '';

  const connectorBase = () => `/workspaces/${channelId}/connectors/${connectorId}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> => {
    const cookies = await page.context().cookies();
    const csrf = cookies.find((c) => c.name === 'coro_csrf')?.value ?? '';
    const response = await page.request.fetch(`${baseUrl}/api${path}`, {
      method,
      headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
    expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    if (!existsSync(join(webDir, 'dist/index.html'))) throw new Error('run `npm run build` first');
    sandbox = await startSandbox({ port: 0, seed: 'demo', latencyTierScale: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'coro-e2e-recon-'));
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      AUTOTASK_DISCOVERY_URL: `${sandbox.url}/ATServicesRest/`,
      AUTOTASK_INTEGRATION_CODE: sandbox.apiUser.integrationCode,
      WEB_DIST_DIR: join(webDir, 'dist'),
      LOG_LEVEL: 'warn',
    };
    const seed = spawnSync(process.execPath, [cli, 'demo', 'seed'], { env, encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`demo seed failed:\n${seed.stdout}\n${seed.stderr}`);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [cli, 'serve'], { env: { ...env, PORT: String(port) }, stdio: 'pipe' });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${output}`);
      const ok = await fetch(`${baseUrl}/api/auth/me`).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();

    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    channelId = /\/channels\/([^/]+)\//.exec(page.url())?.[1] ?? '';
    const connector = await call<Connector>('POST', `/workspaces/${channelId}/connectors`, {
      kind: 'autotask',
      username: sandbox.apiUser.username,
      secret: sandbox.apiUser.secret,
    });
    connectorId = connector.id;
    const base = `/workspaces/${channelId}/connectors/${connectorId}`;
    const proposals = await call<AutoMapProposalList>('GET', `${base}/workspace-mappings/auto-map`);
    await call('POST', `${base}/workspace-mappings/auto-map`, {
      pairs: proposals.items
        .filter((p) => p.isPreselected)
        .map((p) => ({ workspaceId: p.workspaceId, companyId: p.companyId })),
    });
    const psaServices = await call<PsaServicePage>('GET', `${base}/lookups/services?limit=100`);
    for (const [key, name] of services) {
      const psa = psaServices.items.find((s) => s.name === name);
      if (!psa) throw new Error(`sandbox has no ${name}`);
      await call('PUT', `${base}/service-mappings/${key}`, { psaServiceId: psa.id });
    }
    await call<SyncRunDetail>('POST', `${base}/sync/preview`, {});
  }, 240_000);

  /* eslint-disable @typescript-eslint/no-unnecessary-condition */
  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await sandbox?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */

  it('drills down from a preview line to the members behind its count', async () => {
    await page.goto(`${baseUrl}/channels/${channelId}/control-panel/connectors/psa/${connectorId}/sync`);
    const who = page.getByRole('button', { name: /^Members behind / }).first();
    await who.waitFor({ timeout: 30_000 });
    await who.click();
    const dialog = page.getByRole('dialog');
    const heading = dialog.getByText(/^\d+ (devices?|users?) on /);
    await heading.waitFor({ timeout: 30_000 });
    const listed = await dialog.getByRole('region', { name: 'Members' }).getByRole('listitem').count();
    expect(listed).toBe(Number(/^(\d+)/.exec((await heading.textContent()) ?? '')?.[1]));
    expect(listed).toBeGreaterThan(0);
    await page.screenshot({ path: join(shotsDir, 'recon-01-drill-down.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('shows the demo month: disagreeing rows first, totals and the estimate rule', async () => {
    // An applied sync gives the month adjustments we wrote and the contracts to read units from.
    const started = await call<{ runId: string }>('POST', `${connectorBase()}/sync/runs`, {});
    const runDeadline = Date.now() + 120_000;
    for (;;) {
      const { run } = await call<SyncRunDetail>(
        'GET',
        `${connectorBase()}/sync/runs/${started.runId}?limit=1`,
      );
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
    await page.screenshot({ path: join(shotsDir, 'recon-02-page.png'), fullPage: true });
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
    await page.screenshot({ path: join(shotsDir, 'recon-03-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });
});
