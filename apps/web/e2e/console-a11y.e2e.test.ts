/**
 * Accessibility, phone layout and the credentials screens, in Debian's Chromium: the built console
 * served by the real server (child process, fresh SQLite DATA_DIR, Coro demo seed) talking to the
 * Autotask sandbox (in-process). axe-core runs on every page and dialog reached here (0 serious or
 * critical violations); each page is loaded at 390 px and must not scroll sideways.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSandbox, type Sandbox } from 'autotask-sandbox';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints, endpointUrl, type Connector } from '@coro/contracts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  if (process.env.CI === 'true')
    throw new Error(`${chromiumPath} is missing: CI must install chromium (apt-get install chromium).`);
  console.warn(
    [
      '',
      '############################################################################',
      `#  SKIPPING the console a11y e2e tests: ${chromiumPath} is not installed.`,
      '#  Install it with `apt-get install chromium` (bash .ci/run does).',
      '############################################################################',
      '',
    ].join('\n'),
  );
}

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(webDir, '../..');
const cli = join(repoRoot, 'apps/server/bin/coro-psa.mjs');
const shotsDir = join(repoRoot, 'artifacts/screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const admin = { email: 'admin@northwind.example', password: 'demo-admin-2026!' };

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
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe violations on the page as it is now, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated over CDP rather than added as a <script>: the console's CSP rightly refuses inline scripts.
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

/** How far the page scrolls sideways (0 when it fits the viewport), and the widest culprit. */
function horizontalOverflow(page: Page): Promise<{ px: number; widest: string }> {
  return page.evaluate(() => {
    const px = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    if (px <= 0) return { px: 0, widest: '' };
    const edge = document.documentElement.clientWidth;
    const culprits = [...document.body.querySelectorAll('*')].filter(
      (el) => el.getBoundingClientRect().right > edge,
    );
    const innermost = culprits.filter((el) => !culprits.some((other) => other !== el && el.contains(other)));
    return {
      px,
      widest: innermost
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)
        .join(' | '),
    };
  });
}

describe.skipIf(!hasChromium)('console a11y, phone layout and credentials (Chromium)', () => {
  let sandbox: Sandbox;
  let server: ChildProcess;
  let serverOutput = '';
  let baseUrl = '';
  let dataDir = '';
  let browser: Browser;
  let page: Page;
  let channelId = '';
  let connectorId = '';

  const shot = async (name: string, target: Page = page) => {
    await target.waitForLoadState('networkidle').catch(() => undefined);
    await target.screenshot({ path: join(shotsDir, `${name}.png`) });
  };

  const expectAccessible = async (what: string, target: Page = page) => {
    await target.waitForLoadState('networkidle').catch(() => undefined);
    // Contrast is measured on what is painted: wait until dialogs have faded in (and old ones out).
    await target.waitForFunction(() =>
      [...document.querySelectorAll('.MuiDialog-container, .MuiBackdrop-root')].every(
        (el) => getComputedStyle(el).opacity === '1' || el.closest('[aria-hidden="true"]') !== null,
      ),
    );
    expect(await seriousViolations(target), what).toEqual([]);
  };

  const getConnector = async (): Promise<Connector> => {
    const response = await page.request.get(
      `${baseUrl}${endpointUrl(endpoints.connectors.get, { params: { channelId, connectorId } })}`,
    );
    expect(response.status()).toBe(200);
    return (await response.json()) as Connector;
  };

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    if (!existsSync(join(webDir, 'dist/index.html'))) {
      const build = spawnSync('npx', ['vite', 'build'], { cwd: webDir, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('vite build failed');
    }
    sandbox = await startSandbox({ port: 0, seed: 'demo', latencyTierScale: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'coro-e2e-a11y-'));
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
    server.stdout?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    await waitForServer(baseUrl, server, () => serverOutput);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 180_000);

  // beforeAll may have failed half-way: each of these may still be unset.
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

  it('sign-in and the empty connectors page: own titles, skip link, no serious axe violations', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.title()).resolves.toBe('Sign in · Coro console');
    await expectAccessible('sign-in');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    channelId = /\/channels\/([^/]+)\//.exec(page.url())?.[1] ?? '';
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
    await dialog.getByLabel('User name').fill(sandbox.apiUser.username);
    await dialog.getByLabel('Secret').fill(sandbox.apiUser.secret);
    await dialog.getByRole('button', { name: 'CONNECT', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const table = page.getByRole('table', { name: 'PSA Connectors' });
    await table.getByText('Connected').waitFor();
    const list = (await (
      await page.request.get(`${baseUrl}${endpointUrl(endpoints.connectors.list, { params: { channelId } })}`)
    ).json()) as {
      items: Connector[];
    };
    connectorId = list.items[0]?.id ?? '';
    expect(connectorId).not.toBe('');
    await expectAccessible('connectors (one connector)');
  });

  it('ADD CONNECTOR with Autotask connected shows it as connected, with a link to its credentials', async () => {
    await page.getByRole('button', { name: 'ADD CONNECTOR' }).click();
    const chooser = page.getByRole('dialog', { name: 'Add PSA Connection' });
    await chooser.getByText(`Already connected as ${sandbox.apiUser.username}`).waitFor();
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
    await expect(dialog.getByLabel('User name').inputValue()).resolves.toBe(sandbox.apiUser.username);
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

    await dialog.getByLabel('New secret').fill(sandbox.apiUser.secret);
    await dialog.getByRole('button', { name: 'UPDATE', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    // Focus comes back to the control that opened the dialog, not to the page body.
    await expect(menuButton.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const replaced = await getConnector();
    expect(replaced.status).toBe('connected');
    expect(replaced.lastVerifiedAt).not.toBe(before.lastVerifiedAt);
    expect(await page.content()).not.toContain(sandbox.apiUser.secret);
  });

  it('connector pages: own titles and no serious axe violations; settings offers Update credentials', async () => {
    for (const [section, heading] of [
      ['workspace-mapping', 'Workspace mapping'],
      ['service-mapping', 'Service mapping'],
      ['sync', 'Sync'],
      ['settings', 'Settings'],
    ] as const) {
      await page.goto(
        `${baseUrl}/channels/${channelId}/control-panel/connectors/psa/${connectorId}/${section}`,
      );
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
    await page.setViewportSize({ width: 390, height: 844 });
    const connector = `${baseUrl}/channels/${channelId}/control-panel/connectors/psa/${connectorId}`;
    const pages = {
      connectors: `${baseUrl}/channels/${channelId}/control-panel/connectors/psa`,
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
      overflow[name] = await horizontalOverflow(page);
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
    overflow['auto-map review'] = await horizontalOverflow(page);
    await shot('a11y-05-auto-map-review-390px');
    expect(overflow).toEqual(
      Object.fromEntries(
        [...Object.keys(pages), 'auto-map review'].map((name) => [name, { px: 0, widest: '' }]),
      ),
    );
  });
});
