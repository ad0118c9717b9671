/**
 * Notification settings in Debian's Chromium: the built console served by the real server (child
 * process, fresh SQLite DATA_DIR, demo seed, a real Autotask sandbox for the connector). An admin
 * sets recipients, a webhook and its secret, presses "Send test": a local SMTP server (node:net,
 * written here) receives the labelled mail and a local receiver gets a webhook whose signature we
 * check with our own HMAC. axe: no serious/critical violation; 390 px: no sideways scroll.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
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
  if (process.env.CI === 'true') throw new Error(`${chromiumPath} is missing: CI must install chromium.`);
  console.warn(`\n#### SKIPPING the notifications e2e tests: ${chromiumPath} is not installed. ####\n`);
}

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(webDir, '../..');
const cli = join(repoRoot, 'apps/server/bin/coro-psa.mjs');
const shotsDir = join(repoRoot, 'artifacts/screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const admin = { email: 'admin@northwind.example', password: 'demo-admin-2026!' };
const secret = 'whsec-e2e-signing-secret-0042';

const listen = (server: Server | HttpServer): Promise<number> =>
  new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : 0);
    }),
  );

/** Just enough SMTP for one client: greeting, EHLO, MAIL, RCPT, DATA, QUIT. Keeps each message. */
function tinySmtp(received: string[]): Server {
  return createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 tiny.smtp ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 Ok: queued as TINY1\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const command = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250 tiny.smtp\r\n');
        else if (command === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (command === 'QUIT') socket.end('221 Bye\r\n');
        else socket.write('250 Ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
}

/** Our own check of `t=<unix>,v1=<hex hmac-sha256 of "t.body">`, independent of the server's code. */
function signatureVerifies(header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown }> } })
      .axe;
    return (await axe.run(document)).violations;
  })) as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact ?? ''} ${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

describe.skipIf(!hasChromium)('notification settings e2e (Chromium)', () => {
  let sandbox: Sandbox;
  let server: ChildProcess;
  let output = '';
  let dataDir = '';
  let baseUrl = '';
  let browser: Browser;
  let page: Page;
  let settingsUrl = '';
  const mails: string[] = [];
  const hooks: { signature: string | undefined; body: string }[] = [];
  const smtp = tinySmtp(mails);
  const receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hooks.push({ signature: req.headers['x-coro-signature'] as string | undefined, body });
      res.writeHead(204).end();
    });
  });
  let receiverUrl = '';

  const signIn = async (target: Page) => {
    await target.goto(`${baseUrl}/login`);
    await target.getByLabel('Email').fill(admin.email);
    await target.getByLabel('Password').fill(admin.password);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    if (!existsSync(join(webDir, 'dist/index.html'))) throw new Error('run `npm run build` first');
    const smtpPort = await listen(smtp);
    receiverUrl = `http://127.0.0.1:${await listen(receiver)}/hooks/coro`;
    sandbox = await startSandbox({ port: 0, seed: 'demo', latencyTierScale: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'coro-e2e-notif-'));
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      AUTOTASK_DISCOVERY_URL: `${sandbox.url}/ATServicesRest/`,
      AUTOTASK_INTEGRATION_CODE: sandbox.apiUser.integrationCode,
      WEB_DIST_DIR: join(webDir, 'dist'),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}?from=${encodeURIComponent('PSA Bot <bot@coro.test>')}`,
      // The receiver listens on loopback: allowed here only, never by default.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
    };
    const seed = spawnSync(process.execPath, [cli, 'demo', 'seed'], { env, encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`demo seed failed:\n${seed.stdout}\n${seed.stderr}`);
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
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
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(page);
    const channelId = /\/channels\/([^/]+)\//.exec(page.url())?.[1] ?? '';
    const csrf = (await page.context().cookies()).find((c) => c.name === 'coro_csrf')?.value ?? '';
    const created = await page.request.post(
      `${baseUrl}${endpointUrl(endpoints.connectors.create, { params: { channelId } })}`,
      {
        headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
        data: JSON.stringify({
          kind: 'autotask',
          username: sandbox.apiUser.username,
          secret: sandbox.apiUser.secret,
        }),
      },
    );
    expect(created.status(), await created.text()).toBe(201);
    const connector = (await created.json()) as Connector;
    settingsUrl = `${baseUrl}/channels/${channelId}/control-panel/connectors/psa/${connector.id}/settings`;
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
    smtp.close();
    receiver.closeAllConnections();
    receiver.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */

  it('saves recipients and a signed webhook, sends a test: mail arrives, signature verifies, outcome announced', async () => {
    await page.goto(settingsUrl);
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByLabel('E-mail recipients').fill('ops@msp.example');
    await page.getByLabel('Webhook URL').fill(receiverUrl);
    await page.getByLabel('Webhook secret').fill(secret);
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && r.url().endsWith('/notifications'),
    );
    await page.getByRole('button', { name: 'Save notifications' }).click();
    const response = await saved;
    expect(response.status(), await response.text()).toBe(200);
    // Saved: the form now says a secret is set (and never shows it), and says it saved.
    await page.getByLabel('Replace the webhook secret').waitFor();
    await page.getByText('Notifications saved.').waitFor();

    await page.getByRole('button', { name: 'Send test' }).click();
    const region = page.getByRole('status').filter({ hasText: 'E-mail:' });
    await region.getByText('E-mail: Sent').waitFor();
    await region.getByText('Webhook: Sent').waitFor();
    expect(await region.textContent()).toContain('(HTTP 204)');
    expect(await region.textContent()).toContain('250 2.0.0 Ok: queued as TINY1');

    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('Subject: [Test]');
    expect(mails[0]).toContain('This is a test notification');
    expect(hooks).toHaveLength(1);
    expect(signatureVerifies(hooks[0]?.signature, hooks[0]?.body ?? '')).toBe(true);
    expect(signatureVerifies(hooks[0]?.signature, `${hooks[0]?.body ?? ''} `)).toBe(false);
    expect(JSON.parse(hooks[0]?.body ?? '{}')).toMatchObject({ type: 'notifications.test' });

    expect(await seriousViolations(page), 'settings with test results').toEqual([]);
    const section = page.locator('section[aria-labelledby="notifications-title"]');
    await section.screenshot({ path: join(shotsDir, 'notifications-settings.png') });
  });

  it('fits 390 px without scrolling sideways', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 900 } })).newPage();
    await signIn(phone);
    await phone.goto(settingsUrl);
    await phone.getByRole('button', { name: 'Send test' }).waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousViolations(phone), 'settings at 390 px').toEqual([]);
    await phone.context().close();
  });
});
