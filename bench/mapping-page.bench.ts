/**
 * The workspace mapping page in a real browser at MSP scale (issue 12: first Map options visible
 * ≤ 500 ms after the click; search keystroke → results ≤ 150 ms server time). A channel of W child
 * workspaces (none mapped) over a connector caching N companies (`seedScaleChannel`), the real app
 * serving the built console on loopback HTTP (session, RBAC, validation, request logging at
 * `info`), driven in Debian's Chromium (/usr/bin/chromium, playwright-core) at 1366×768:
 *
 *   page load   goto the mapping page → first row header visible (each rep a full navigation)
 *   open Map    click a row's "Map" control → first option visible in the listbox (its search
 *               for "" is answered from the browser's query cache after the first open)
 *   keystroke   with a company's name typed but its last character, press that character → the
 *               listbox shows the server's answer for it; includes the picker's 250 ms debounce
 *   server      that search request's Fastify `responseTime` (the request log) and the browser's
 *               PerformanceResourceTiming responseStart − requestStart (loopback TTFB)
 *
 * Every rep uses another row and another company. Baselines in the same run: the same scenario at
 * BENCH_BASELINE_W workspaces (BENCH_BASELINE_W + 1 companies), and GET /healthz from the page.
 * The server runs in this process (as read-endpoints and suggestions do), beside playwright's
 * client, which mostly waits; Chromium is its own process.
 *
 *   nice -n 5 npx tsx bench/mapping-page.bench.ts        (or: npm run bench mapping-page)
 *   BENCH_W=5000 BENCH_COMPANIES=5001 BENCH_REPS=20 BENCH_BASELINE_W=50
 *
 * The console bundle is apps/web/dist (`npm run build`; built here when missing). Also printed:
 * each API route's server responseTime over the run, to tell the server's share from the browser's.
 *
 * Figures are printed, never asserted (with 20 reps, p95 is the 20th value, i.e. the max: the
 * shared `percentile` takes the value at ⌊0.95·n⌋). Measured 2026-12-04 (SQLite, 2 cores shared
 * with other work: load average 10–13 during the runs, so tails are noisy), three runs at
 * W = 5,000 × 5,001, p50 / max:
 *   click Map → first option        93–161 / 264–374 ms (playwright's click+waitFor: 232–275 ms p50)
 *   keystroke → results shown      289–312 / 342–683 ms, of which 250 ms is the picker's debounce
 *   that search, server time        4.0–8.1 / 44–51 ms (browser TTFB 6.8–12.4 ms p50)
 *   page load → table visible       765–1,182 / 1,164–1,946 ms
 *   GET /healthz from the page      5.5–7.2 / 7–23 ms
 * Baseline W = 50 × 51, same runs, p50: click Map 99–129 ms, keystroke 288–296 ms, its search
 * 2.8–4.9 ms, page load 733–801 ms. Both issue 12 goals are met with room (≤ 500 ms; ≤ 150 ms),
 * and neither figure grows with W: opening the picker is browser time (the server's part is the
 * first open's search for "", 10–49 ms; later opens are answered from the query cache), and a
 * keystroke is mostly the debounce. Page load at W = 5,000 ran 30–380 ms over W = 50 on the
 * loaded machine; the server's part of it (third run, p50: workspace-mappings 36 ms, suggestions
 * 21 ms, connector 22 ms) is small beside the console's boot (~750 ms at W = 50); no goal names it.
 *
 * 2026-12-04, a quiet machine (nothing else running), W = 5,000 × 5,001, p50 / max: click Map →
 * first option 39 / 93 ms (playwright's view 94 / 147 ms); keystroke → results 275 / 281 ms incl.
 * the 250 ms debounce, its server responseTime 3.3 / 6.1 ms; page load 239 / 342 ms. The W = 50
 * baseline in the same run: 40 / 96, 269 / 284, 2.6 / 3.8 and 229 / 357 ms.
 */
import { type Kysely } from 'kysely';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { scaleCompanyName } from 'autotask-sandbox';
import { chromium, type Browser, type Page } from 'playwright-core';

import { createDatabase } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import { percentile, seedScaleChannel, startScaleApp } from './scale-app.js';

const W = Number(process.env.BENCH_W ?? 5000);
const companyCount = Number(process.env.BENCH_COMPANIES ?? 5001);
const reps = Number(process.env.BENCH_REPS ?? 20);
const baselineW = Number(process.env.BENCH_BASELINE_W ?? 50);

const chromiumPath = '/usr/bin/chromium';
const webDist = resolve(dirname(fileURLToPath(import.meta.url)), '../apps/web/dist');
const searchPath = '/lookups/companies';

interface Figures {
  pageLoad: number[];
  openMap: number[];
  openMapPlaywright: number[];
  openSearchServer: number[];
  keystroke: number[];
  keystrokeServer: number[];
  keystrokeTtfb: number[];
  healthz: number[];
  /** Server responseTime (ms) of every /api request of the run, by route (ids as :id). */
  apiByRoute: Map<string, number[]>;
}

/** Fastify's request log, read as it is written: url and responseTime of each finished request. */
function requestLog(): {
  destination: { write: (line: string) => void };
  completed: { url: string; ms: number }[];
} {
  const urlById = new Map<string, string>();
  const completed: { url: string; ms: number }[] = [];
  return {
    completed,
    destination: {
      write: (line: string) => {
        const entry = JSON.parse(line) as {
          msg?: string;
          reqId?: string;
          req?: { url?: string };
          responseTime?: number;
        };
        if (entry.reqId === undefined) return;
        if (entry.msg === 'incoming request') urlById.set(entry.reqId, entry.req?.url ?? '');
        if (entry.msg === 'request completed' && entry.responseTime !== undefined) {
          completed.push({ url: urlById.get(entry.reqId) ?? '', ms: entry.responseTime });
          urlById.delete(entry.reqId);
        }
      },
    },
  };
}

const searchQueryOf = (url: string): string | null => {
  const parsed = new URL(url, 'http://x');
  return parsed.pathname.endsWith(searchPath) ? (parsed.searchParams.get('q') ?? '') : null;
};

/** The server's responseTime of the last search for `q`, once its log line is written. */
async function serverMs(log: ReturnType<typeof requestLog>, q: string): Promise<number> {
  for (let i = 0; i < 100; i += 1) {
    const hit = log.completed.findLast((entry) => searchQueryOf(entry.url) === q);
    if (hit) return hit.ms;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no request log line for the search "${q}"`);
}

async function scenario(browser: Browser, workspaces: number, companies: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'coro-bench-'));
  const database = createDatabase({ driver: 'sqlite', file: join(dir, 'bench.sqlite') });
  const log = requestLog();
  try {
    const db = database.db;
    await migrateToLatest(db as Kysely<unknown>, database.dialect);
    const now = new Date().toISOString();
    const { channelId, connectorId } = await seedScaleChannel(db, now, {
      workspaces,
      companies,
      isThirdMapped: false,
    });
    // The cache is read: the page must not start a first read from a PSA this bench does not run.
    await db
      .updateTable('psa_connectors')
      .set({ companies_refreshed_at: now, services_refreshed_at: now })
      .where('id', '=', connectorId)
      .execute();
    const { app } = await startScaleApp(database, channelId, now, {
      webDistDir: webDist,
      logDestination: log.destination,
    });
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript({ content: instrumentPage });
    const page = await context.newPage();
    try {
      return await drive(page, origin, channelId, connectorId, companies, log);
    } finally {
      await context.close();
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Installed in every document before the console's scripts: the time of the last trusted input
 * (mousedown, keydown), the first frame with a row header in the mapping table (ms since the
 * navigation started), and each company search's answer as the console received it. Plain
 * JavaScript: tsx would wrap named functions in a helper the page does not have.
 */
const instrumentPage = `
(() => {
  const bench = { inputAt: NaN, tableAt: NaN, searches: [] };
  window.__bench = bench;
  for (const type of ['mousedown', 'keydown']) {
    addEventListener(type, (event) => { if (event.isTrusted) bench.inputAt = performance.now(); }, true);
  }
  const watchTable = () => {
    if (document.querySelector('table[aria-label="Coro workspace to Autotask Company mapping"] tbody th'))
      bench.tableAt = performance.now();
    else requestAnimationFrame(watchTable);
  };
  requestAnimationFrame(watchTable);
  // For waitForFunction (polled every frame): now once the condition holds, else 0.
  bench.optionShown = () => (document.querySelector('[role="listbox"] [role="option"]') ? performance.now() : 0);
  bench.resultsShown = (q) => {
    const answer = bench.searches.findLast((s) => s.q === q);
    if (!answer) return 0;
    const shown = [...document.querySelectorAll('[role="listbox"] [role="option"]')]
      .slice(0, answer.names.length)
      .map((o) => o.textContent ?? '');
    const isShown = shown.length === answer.names.length && answer.names.every((name, k) => shown[k].startsWith(name));
    return isShown ? performance.now() : 0;
  };
  bench.lastSearchTtfb = () => {
    const last = performance.getEntriesByType('resource').filter((e) => e.name.includes('${searchPath}?')).at(-1);
    return last ? last.responseStart - last.requestStart : NaN;
  };
  bench.healthz = async () => {
    const started = performance.now();
    await (await fetch('/healthz', { cache: 'no-store' })).text();
    return performance.now() - started;
  };
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await originalFetch(...args);
    const url = new URL(response.url);
    if (url.pathname.endsWith('${searchPath}')) {
      response.clone().json().then(
        (body) => bench.searches.push({
          q: url.searchParams.get('q') ?? '',
          names: body.items.slice(0, 5).map((c) => c.name),
        }),
        () => undefined,
      );
    }
    return response;
  };
})();
`;

/** A number the page computes (an expression over `window.__bench`, see instrumentPage). */
async function pageNumber(page: Page, expression: string): Promise<number> {
  return Number(await page.evaluate(expression));
}

interface PageBench {
  __bench: Record<'optionShown' | 'resultsShown', (q?: string) => number>;
}

/**
 * Polls `window.__bench[check](arg)` every frame until it is non-zero; returns that value (a page
 * time). A function, not a string: the console's CSP refuses eval.
 */
async function frameWhen(page: Page, check: 'optionShown' | 'resultsShown', arg = ''): Promise<number> {
  const handle = await page.waitForFunction(
    ({ name, q }) => (globalThis as unknown as PageBench).__bench[name](q),
    { name: check, q: arg },
    { polling: 'raf' },
  );
  return handle.jsonValue();
}

async function drive(
  page: Page,
  origin: string,
  channelId: string,
  connectorId: string,
  companies: number,
  log: ReturnType<typeof requestLog>,
): Promise<Figures> {
  const figures: Figures = {
    pageLoad: [],
    openMap: [],
    openMapPlaywright: [],
    openSearchServer: [],
    keystroke: [],
    keystrokeServer: [],
    keystrokeTtfb: [],
    healthz: [],
    apiByRoute: new Map(),
  };
  await page.goto(`${origin}/login`);
  await page.getByLabel('Email').fill('bench@example.test');
  await page.getByLabel('Password').fill('bench-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();

  const mappingUrl = `${origin}/channels/${channelId}/control-panel/connectors/psa/${connectorId}/workspace-mapping`;
  const table = page.getByRole('table', { name: 'Coro workspace to Autotask Company mapping' });
  for (let i = 0; i < reps; i += 1) {
    await page.goto(mappingUrl);
    await table.getByRole('rowheader').first().waitFor();
    figures.pageLoad.push(await pageNumber(page, 'window.__bench.tableAt'));
  }
  await page.waitForLoadState('networkidle');

  const listbox = page.getByRole('listbox');
  const triggers = table.getByRole('button', { name: /^Autotask Company for .*: Map$/ });
  const rowCount = await triggers.count();
  const usedQueries = new Set<string>();
  let companyIndex = 0;
  const inputAt = () => pageNumber(page, 'window.__bench.inputAt');
  for (let i = 0; i < reps; i += 1) {
    // (1) Click → first option visible: from the mousedown to the first frame that has an option.
    const trigger = triggers.nth(i % rowCount);
    await trigger.scrollIntoViewIfNeeded();
    const optionShown = frameWhen(page, 'optionShown');
    const openSearches = log.completed.length;
    const started = performance.now();
    await trigger.click();
    await listbox.getByRole('option').first().waitFor();
    figures.openMapPlaywright.push(performance.now() - started);
    figures.openMap.push((await optionShown) - (await inputAt()));
    const openSearch = log.completed.slice(openSearches).find((e) => searchQueryOf(e.url) === '');
    if (openSearch) figures.openSearchServer.push(openSearch.ms);

    // (2) A company's name but its last character, settled; then that character, from its keydown
    // to the first frame whose options are the server's answer for it.
    let query: string;
    do {
      const name = scaleCompanyName((companyIndex * 37) % companies);
      companyIndex += 1;
      query = name.slice(0, Math.min(name.length, 8 + (i % 6)));
    } while (
      usedQueries.has(query) ||
      usedQueries.has(query.slice(0, -1)) ||
      query.endsWith(' ') ||
      query.slice(0, -1).endsWith(' ')
    );
    usedQueries.add(query);
    const prefix = query.slice(0, -1);
    const prefixAnswer = page.waitForResponse((r) => searchQueryOf(r.url()) === prefix);
    await page.keyboard.type(prefix);
    await prefixAnswer;
    await page.waitForTimeout(100);

    const resultsShown = frameWhen(page, 'resultsShown', query);
    await page.keyboard.press(query.slice(-1));
    figures.keystroke.push((await resultsShown) - (await inputAt()));
    figures.keystrokeServer.push(await serverMs(log, query));
    figures.keystrokeTtfb.push(await pageNumber(page, 'window.__bench.lastSearchTtfb()'));

    await page.keyboard.press('Escape');
    await listbox.waitFor({ state: 'detached' });
  }

  for (let i = 0; i < reps; i += 1) {
    figures.healthz.push(await pageNumber(page, 'window.__bench.healthz()'));
  }
  for (const { url, ms } of log.completed) {
    const path = url.split('?')[0] ?? '';
    if (!path.startsWith('/api/')) continue;
    const route = path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');
    figures.apiByRoute.set(route, [...(figures.apiByRoute.get(route) ?? []), ms]);
  }
  return figures;
}

const f = (value: number): string => `${value.toFixed(1)} ms`.padStart(10);
const line = (values: readonly number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${f(percentile(sorted, 50))} ${f(percentile(sorted, 95))} ${f(sorted.at(-1) ?? NaN)}`;
};

if (!existsSync(join(webDist, 'index.html'))) {
  // As the e2e tests do: the console bundle once, when no build is there yet.
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: dirname(webDist),
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('vite build failed');
}
if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install chromium).`);
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const large = await scenario(browser, W, companyCount);
  const small = await scenario(browser, baselineW, baselineW + 1);
  const label = (n: number, c: number) => `W=${n.toLocaleString('en-US')} × ${c.toLocaleString('en-US')}`;
  console.log(
    `\n[sqlite, chromium 1366×768] ${reps} reps per row; p50 / p95 / max; baseline ${label(baselineW, baselineW + 1)} beside ${label(W, companyCount)}`,
  );
  console.log(
    `  ${'case'.padEnd(50)} ${`${label(W, companyCount)} p50`.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}   ${`baseline p50`.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}`,
  );
  const rows: [string, Exclude<keyof Figures, 'apiByRoute'>][] = [
    ['page load → table visible', 'pageLoad'],
    ['click Map → first option visible (goal ≤ 500)', 'openMap'],
    ['  the same, as playwright sees it (click+waitFor)', 'openMapPlaywright'],
    ['  its search "" server time (uncached opens)', 'openSearchServer'],
    ['keystroke → results shown (incl. 250 debounce)', 'keystroke'],
    ['  its search, server responseTime (goal ≤ 150)', 'keystrokeServer'],
    ['  its search, browser TTFB', 'keystrokeTtfb'],
    ['GET /healthz from the page', 'healthz'],
  ];
  for (const [name, key] of rows) {
    console.log(`  ${name.padEnd(50)} ${line(large[key])}   ${line(small[key])}`);
  }
  console.log(
    `\n  server responseTime per API route over the W=${W} run (n, p50 / p95 / max; baseline p50):`,
  );
  for (const [route, values] of [...large.apiByRoute].sort(([a], [b]) => a.localeCompare(b))) {
    const base = [...(small.apiByRoute.get(route) ?? [])].sort((a, b) => a - b);
    console.log(
      `  ${route.replace('/api/channels/:id/connectors/:id', '…').padEnd(50)} ${String(values.length).padStart(4)} ${line(values)}   ${f(percentile(base, 50))}`,
    );
  }
  console.log(
    `  (search "" answered by the server on ${large.openSearchServer.length} of ${reps} opens at W=${W}, ${small.openSearchServer.length} at the baseline; the rest from the browser's query cache)`,
  );
} finally {
  await browser.close();
}
