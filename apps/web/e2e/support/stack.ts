/**
 * What every console e2e file stands up: the Autotask sandbox (in-process, demo seed) or the
 * ConnectWise one (in-process, demo seed, HTTPS), the real server (child process, fresh SQLite
 * DATA_DIR, `coro-psa demo seed`) serving the built console, and Debian's Chromium. `close()` stops
 * whatever was started, also after a half-way start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSandbox, type Sandbox } from 'autotask-sandbox';
import {
  startSandbox as startConnectWiseSandbox,
  type Sandbox as ConnectWiseSandbox,
} from 'connectwise-sandbox';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

import { endpoints } from '@coro/contracts';

const chromiumPath = '/usr/bin/chromium';
const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoRoot = resolve(webDir, '../..');
const cli = join(repoRoot, 'apps/server/bin/coro-psa.mjs');
const shotsDir = join(repoRoot, 'artifacts/screenshots');

/**
 * Whether Chromium is there to run `suite`. Absent, the suite skips loudly, and CI fails instead.
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${chromiumPath} is missing: CI must install chromium (apt-get install chromium).`);
  console.warn(
    [
      '',
      '############################################################################',
      `#  SKIPPING ${suite}: ${chromiumPath} is not installed.`,
      '#  Install it with `apt-get install chromium` (bash .ci/run does).',
      '############################################################################',
      '',
    ].join('\n'),
  );
  return false;
}

/** Where a screenshot named `name` goes: artifacts/screenshots/<name>.png. */
export const shotPath = (name: string): string => join(shotsDir, `${name}.png`);

export interface StackOptions {
  /** Names the temporary DATA_DIR (`coro-e2e-<label>-…`). */
  readonly label: string;
  /** Extra server environment (SMTP, webhook policy…). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Stack {
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A page in a context of its own (own cookies), `viewport` wide. */
  newPage(viewport: { width: number; height: number }, options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export interface SandboxStack extends Stack {
  readonly sandbox: Sandbox;
}

export interface ConnectWiseStack extends Stack {
  /** Over HTTPS (self-signed, `sandbox.caFile`), as real ConnectWise; the server trusts its CA. */
  readonly sandbox: ConnectWiseSandbox;
}

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
      const response = await fetch(`${url}${endpoints.auth.me.path}`);
      if (response.status === 401 || response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not start in time:\n${output()}`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

/**
 * Sandbox, server and browser; `withSandbox: false` for screens that need no PSA,
 * `'connectwise'` for the ConnectWise sandbox instead of the Autotask one.
 */
export function startStack(options: StackOptions & { readonly withSandbox: false }): Promise<Stack>;
export function startStack(
  options: StackOptions & { readonly withSandbox: 'connectwise' },
): Promise<ConnectWiseStack>;
export function startStack(options: StackOptions): Promise<SandboxStack>;
export async function startStack(
  options: StackOptions & { readonly withSandbox?: boolean | 'connectwise' },
): Promise<Stack | SandboxStack | ConnectWiseStack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    mkdirSync(shotsDir, { recursive: true });
    if (!existsSync(join(webDir, 'dist/index.html'))) {
      const build = spawnSync('npx', ['vite', 'build'], { cwd: webDir, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('vite build failed');
    }
    const sandbox =
      options.withSandbox === false || options.withSandbox === 'connectwise'
        ? undefined
        : await startSandbox({ port: 0, seed: 'demo', latencyTierScale: 0 });
    if (sandbox) cleanups.push(() => sandbox.close());
    const connectWise =
      options.withSandbox === 'connectwise'
        ? await startConnectWiseSandbox({ port: 0, seed: 'demo', tls: true })
        : undefined;
    if (connectWise) cleanups.push(() => connectWise.close());

    const dataDir = mkdtempSync(join(tmpdir(), `coro-e2e-${options.label}-`));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      ...(sandbox
        ? {
            AUTOTASK_DISCOVERY_URL: `${sandbox.url}/ATServicesRest/`,
            AUTOTASK_INTEGRATION_CODE: sandbox.apiUser.integrationCode,
          }
        : {}),
      ...(connectWise
        ? {
            CONNECTWISE_CLIENT_ID: connectWise.credentials.clientId,
            CONNECTWISE_CA_FILE: connectWise.caFile ?? '',
          }
        : {}),
      WEB_DIST_DIR: join(webDir, 'dist'),
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const seed = spawnSync(process.execPath, [cli, 'demo', 'seed'], { env, encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`demo seed failed:\n${seed.stdout}\n${seed.stderr}`);

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    let output = '';
    const server = spawn(process.execPath, [cli, 'serve'], {
      env: { ...env, PORT: String(port) },
      stdio: 'pipe',
    });
    cleanups.push(() => stopServer(server));
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForServer(baseUrl, server, () => output);

    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    cleanups.push(() => browser.close());
    const newPage: Stack['newPage'] = async (viewport, contextOptions) =>
      (await browser.newContext({ ...contextOptions, viewport })).newPage();
    const sandboxOf = sandbox ?? connectWise;
    return sandboxOf
      ? { baseUrl, browser, sandbox: sandboxOf, newPage, close }
      : { baseUrl, browser, newPage, close };
  } catch (error) {
    await close();
    throw error;
  }
}
