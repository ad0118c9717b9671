/**
 * ConnectWise end to end: the built console served by the real server (child process, fresh SQLite
 * DATA_DIR, Coro demo seed) talking HTTPS to the ConnectWise sandbox (in-process, demo seed, --tls;
 * the server trusts its self-signed certificate through CONNECTWISE_CA_FILE). Connect through the
 * ConnectWise dialog, map, preview, apply; then the sandbox's additions must hold Coro's counts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSandbox, type Sandbox } from 'connectwise-sandbox';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type {
  ChannelUsage,
  Connector,
  ServiceMappingList,
  SyncRun,
  SyncRunDetail,
  SyncRunPage,
} from '@coro/contracts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  if (process.env.CI === 'true') throw new Error(`${chromiumPath} is missing: CI must install chromium.`);
  console.warn(`\n#### SKIPPING the ConnectWise e2e tests: ${chromiumPath} is not installed. ####\n`);
}

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(webDir, '../..');
const cli = join(repoRoot, 'apps/server/bin/coro-psa.mjs');
const shotsDir = join(repoRoot, 'artifacts/screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const admin = { email: 'admin@northwind.example', password: 'demo-admin-2026!' };
const demoServices = [
  ['Endpoint Security', 'Coro Endpoint Security'],
  ['EDR', 'Coro EDR'],
  ['Email Security', 'Coro Email Security'],
  ['Secure Messages', 'Coro Secure Messages'],
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

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/auth/me`);
      if (response.status === 401 || response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not start in time:\n${output()}`);
}

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  // Over CDP rather than a <script>: the console's CSP refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown }> } })
      .axe;
    return (await axe.run(document)).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact ?? ''} ${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** How far the page scrolls sideways (0 when it fits), and the widest culprit for the message. */
const sideways = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    const px = document.documentElement.scrollWidth - edge;
    if (px <= 0) return '0';
    // What a scroller (scrollable tabs, a table container) clips cannot push the page: skip it.
    const isClipped = (el: Element): boolean => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    // The culprit sticks out of a parent that fits.
    const culprit = [...document.body.querySelectorAll('*')].find(
      (el) =>
        el.getBoundingClientRect().right > edge &&
        (el.parentElement?.getBoundingClientRect().right ?? 0) <= edge &&
        !isClipped(el),
    );
    return `${px} px past the edge: ${culprit?.outerHTML.slice(0, 300) ?? '?'}`;
  });

describe.skipIf(!hasChromium)('ConnectWise e2e (Chromium, HTTPS sandbox)', () => {
  let sandbox: Sandbox;
  let raw: Agent;
  let server: ChildProcess;
  let serverOutput = '';
  let baseUrl = '';
  let dataDir = '';
  let browser: Browser;
  let page: Page;
  let channelId = '';
  let connectorId = '';

  /**
   * The current page loaded afresh at 390 px (as a phone would), must not scroll sideways; `shot`
   * keeps a screenshot of it for a look at the layout itself.
   */
  const atPhoneWidth = async (heading: string, level?: number, shot?: string) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page
      .getByRole('heading', { name: heading, ...(level ? { level } : {}) })
      .first()
      .waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    expect(await sideways(page)).toBe('0');
    if (shot) await page.screenshot({ path: join(shotsDir, shot), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  const apiGet = async <T>(path: string): Promise<T> => {
    const response = await page.request.get(`${baseUrl}/api${path}`);
    expect(response.status(), `GET ${path}`).toBe(200);
    return (await response.json()) as T;
  };

  /** Quantity in force per product on an agreement, read from the sandbox over its own API. */
  const additionQuantities = async (agreementId: string): Promise<Map<string, number>> => {
    const c = sandbox.credentials;
    const answer = await request(
      `${sandbox.url}/${c.codebase}apis/3.0/finance/agreements/${agreementId}/additions?pageSize=1000`,
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
    mkdirSync(shotsDir, { recursive: true });
    if (!existsSync(join(webDir, 'dist/index.html'))) {
      const build = spawnSync('npx', ['vite', 'build'], { cwd: webDir, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('vite build failed');
    }
    sandbox = await startSandbox({ port: 0, seed: 'demo', tls: true });
    raw = new Agent({ connect: { ca: readFileSync(sandbox.caFile ?? '', 'utf8') } });
    dataDir = mkdtempSync(join(tmpdir(), 'coro-e2e-cw-'));
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      CONNECTWISE_CLIENT_ID: sandbox.credentials.clientId,
      CONNECTWISE_CA_FILE: sandbox.caFile ?? '',
      WEB_DIST_DIR: join(webDir, 'dist'),
      LOG_LEVEL: 'warn',
    };
    const seed = spawnSync(process.execPath, [cli, 'demo', 'seed'], { env, encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`demo seed failed:\n${seed.stdout}\n${seed.stderr}`);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [cli, 'serve'], { env: { ...env, PORT: String(port) }, stdio: 'pipe' });
    server.stdout?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    await waitForServer(baseUrl, server, () => serverOutput);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  }, 180_000);

  // beforeAll may have failed half-way: each of these may still be unset.
  /* eslint-disable @typescript-eslint/no-unnecessary-condition */
  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await raw?.close();
    await sandbox?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */

  it('connects ConnectWise PSA through its dialog (axe clean, fits 390 px)', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    channelId = /\/channels\/([^/]+)\//.exec(page.url())?.[1] ?? '';
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'ADD CONNECTOR' }).click();
    await page
      .getByRole('dialog', { name: 'Add PSA Connection' })
      .getByRole('button', { name: /ConnectWise/ })
      .click();
    const dialog = page.getByRole('dialog', { name: /Add ConnectWise PSA connector/ });
    const c = sandbox.credentials;
    await dialog.getByLabel('Site').fill(c.site);
    await dialog.getByLabel('Company ID').fill(c.companyId);
    await dialog.getByLabel('Public key').fill(c.publicKey);
    await dialog.getByLabel('Private key').fill(c.privateKey);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.MuiDialog-container')].every(
        (e) => getComputedStyle(e).opacity === '1',
      ),
    );
    expect(await seriousViolations(page)).toStrictEqual([]);
    expect(await sideways(page)).toBe('0');
    await page.screenshot({ path: join(shotsDir, 'connectwise-connect.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'CONNECT', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const table = page.getByRole('table', { name: 'PSA Connectors' });
    await table.getByText('Connected').waitFor();
    expect(await page.content()).not.toContain(c.privateKey);
    const list = await apiGet<{ items: Connector[] }>(`/workspaces/${channelId}/connectors`);
    expect(JSON.stringify(list)).not.toContain(c.privateKey);
    connectorId = list.items[0]?.id ?? '';
    expect(await seriousViolations(page)).toStrictEqual([]);
    await atPhoneWidth('Connectors', 1);
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
    await atPhoneWidth('Workspace mapping', 2, 'connectwise-workspace-mapping-390.png');

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
    await page.goto(`${baseUrl}/channels/${channelId}/control-panel/connectors/psa/${connectorId}/sync`);
    await page.getByRole('heading', { name: 'Sync', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByRole('table', { name: 'Run history' })
      .getByText('Succeeded')
      .first()
      .waitFor({ timeout: 90_000 });
    await page.getByRole('table', { name: 'Preview' }).getByRole('row').nth(1).waitFor();
    expect(await seriousViolations(page)).toStrictEqual([]);
    await atPhoneWidth('Sync', 2, 'connectwise-sync-390.png');

    const runsPath = `/workspaces/${channelId}/connectors/${connectorId}/sync/runs`;
    const previewRun = (await apiGet<SyncRunPage>(runsPath)).items.find((r) => r.mode === 'dry-run');
    const reviewed = await apiGet<SyncRunDetail>(`${runsPath}/${previewRun!.id}?limit=5000`);
    expect(reviewed.impact.changes).toBeGreaterThan(10);
    expect(sandbox.admin.writes()).toHaveLength(0);
    await page.getByRole('button', { name: 'Apply this preview' }).click();
    const confirm = page.getByRole('dialog', { name: /^Apply this preview to ConnectWise/ });
    await confirm.getByRole('button', { name: `Apply ${reviewed.impact.changes} changes` }).click();
    await confirm.waitFor({ state: 'detached' });
    let applied: SyncRun | undefined;
    await expect
      .poll(
        async () => {
          applied = (await apiGet<SyncRunPage>(runsPath)).items.find((r) => r.mode === 'apply');
          return applied?.status;
        },
        { timeout: 150_000, interval: 500 },
      )
      .toMatch(/^(succeeded|partial|failed)$/);
    expect(applied?.status).toBe('succeeded');
    await page.screenshot({ path: join(shotsDir, 'connectwise-synced.png') });

    // Independent check over the sandbox's own API: each written line's addition holds Coro's count.
    const detail = await apiGet<SyncRunDetail>(`${runsPath}/${applied!.id}?limit=5000`);
    const services = await apiGet<ServiceMappingList>(
      `/workspaces/${channelId}/connectors/${connectorId}/service-mappings`,
    );
    const usage = await apiGet<ChannelUsage>(`/channels/${channelId}/usage`);
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
    await page.goto(`${baseUrl}/channels/${channelId}/control-panel/connectors/psa/${connectorId}/settings`);
    await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
    await page.getByLabel('When units were edited by hand in ConnectWise PSA').waitFor();
    expect(await page.content()).not.toContain('Autotask');
  });
});
