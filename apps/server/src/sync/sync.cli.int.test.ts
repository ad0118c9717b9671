/**
 * `coro-psa sync --connector <id> [--dry-run]` as users run it: the real bin in a child process, on
 * this project's database, against a real Autotask sandbox over loopback. The Coro side comes from
 * `coro-psa demo seed`; the connector and its mappings are made through the app's own services
 * (what the console does), with the same ENCRYPTION_KEYS the CLI is given.
 */
import { startSandbox } from 'autotask-sandbox';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { systemActor } from '../audit/audit.repository.js';
import { loadConfig } from '../config/config.js';
import { createConnector } from '../connectors/connector.service.js';
import { localDay } from '../domain/billing-policy.js';
import { refreshLookups } from '../lookups/lookup.service.js';
import { createAppContext, openDatabase } from '../main.js';
import { applyAutoMap, proposeAutoMap } from '../mappings/auto-map.service.js';
import { mapService } from '../mappings/service-mapping.service.js';
import { createTestDatabase, isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { type SyncLineRow, listSyncLines } from './sync-run.repository.js';
import { getSyncSettings, putSyncSettings } from './sync-settings.repository.js';
import { ledgerRowsAppliedByRun } from './ledger.repository.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type AppContextWithClose = ReturnType<typeof createAppContext>;

const bin = fileURLToPath(new URL('../../bin/coro-psa.mjs', import.meta.url));
/** Each CLI run starts Node + tsx (seconds on a loaded machine). */
const CLI_RUN_TIMEOUT_MS = 120_000;
const CLI_TEST_TIMEOUT_MS = 240_000;
const tenantZone = 'America/New_York';
const mappedServices = [
  ['endpoint_security', 'Coro Endpoint Security'],
  ['edr', 'Coro EDR'],
  ['email_security', 'Coro Email Security'],
] as const;

interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe.skipIf(isDatabaseUnavailable())(`coro-psa sync against the sandbox (${testDialect()})`, () => {
  let sb: Sandbox;
  let dir: string;
  let ctx: AppContextWithClose;
  let env: Record<string, string>;
  let connectorId: string;
  const outputs: CliResult[] = [];
  /** Undone in reverse order, so a set-up that failed half-way still cleans up what it made. */
  const cleanups: (() => Promise<void> | void)[] = [];

  /**
   * Asynchronous on purpose: the sandbox serves from this process, so a blocking spawnSync would
   * starve it and the CLI would hang on its first Autotask call.
   */
  const run = (...args: string[]): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), CLI_RUN_TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        const result = { status, stdout, stderr };
        outputs.push(result);
        resolve(result);
      });
    });

  const runIdOf = (stdout: string): string => {
    const match = /Run ([0-9a-f-]{36})\.$/m.exec(stdout);
    if (!match?.[1]) throw new Error(`no run id in:\n${stdout}`);
    return match[1];
  };
  const linesOf = (runId: string): Promise<SyncLineRow[]> => listSyncLines(ctx.database.db, runId);
  const unitsOf = (line: SyncLineRow, date: string): number | null =>
    sb.admin.unitsOn(Number(line.contract_id), Number(line.psa_service_id), date);

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo', latencyTierScale: 0, tenantTimeZone: tenantZone });
    cleanups.push(() => sb.close());
    dir = mkdtempSync(join(tmpdir(), 'coro-sync-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    env = {
      MODE: 'test',
      DATA_DIR: dir,
      // Debug logs on stdout: the "no secret in the output" checks then cover the log lines too.
      LOG_LEVEL: 'debug',
      // MODE=test would otherwise give each process its own random key: the CLI must open the
      // secret this process sealed.
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      AUTOTASK_DISCOVERY_URL: `${sb.url}/ATServicesRest/`,
      AUTOTASK_INTEGRATION_CODE: sb.apiUser.integrationCode,
    };
    if (testDialect() === 'postgres') {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      if (database.location.driver === 'postgres') env.DATABASE_URL = database.location.url;
    }

    const seeded = await run('demo', 'seed');
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('Demo ready: channel');

    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    ctx = createAppContext(config, await openDatabase(config, { migrate: false }));
    cleanups.push(() => ctx.close());
    const db = ctx.database.db;
    const channel = await db
      .selectFrom('workspaces')
      .select('id')
      .where('kind', '=', 'channel')
      .where('display_name', '=', 'Northwind MSP')
      .executeTakeFirstOrThrow();
    const actor = systemActor('test');
    const connector = await createConnector(ctx, actor, channel.id, {
      kind: 'autotask',
      username: sb.apiUser.username,
      secret: sb.apiUser.secret,
    });
    connectorId = connector.id;
    await refreshLookups(ctx, connectorId, { full: true });
    const proposals = await proposeAutoMap(ctx, channel.id, connectorId);
    const exact = proposals.items.filter((p) => p.isPreselected);
    const mapped = await applyAutoMap(ctx, actor, channel.id, connectorId, exact);
    expect(mapped.mapped.map((m) => m.workspaceName)).toContain('Acme Corporation');
    for (const [serviceKey, name] of mappedServices) {
      const service = await db
        .selectFrom('psa_services')
        .select('psa_id')
        .where('connector_id', '=', connectorId)
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      await mapService(ctx, actor, channel.id, connectorId, serviceKey, { psaServiceId: service.psa_id });
    }
    // The adjustment's effective date is a day of the tenant's zone, as an admin would set it.
    const current = await getSyncSettings(db, connectorId);
    await putSyncSettings(
      db,
      connectorId,
      { ...current, policy: { ...current.policy, timeZone: tenantZone } },
      'test',
      new Date().toISOString(),
    );
  }, CLI_TEST_TIMEOUT_MS);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** The dry run's lines, shared with the apply test: its targets are what apply must reach. */
  let dryLines: SyncLineRow[] = [];
  let effectiveDate = '';

  it(
    'dry run prints the plan (current → new per line) and a progress bar, and writes nothing',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const adjustmentsBefore = sb.admin.adjustments().length;
      const dayBefore = localDay(new Date(), tenantZone);
      const dry = await run('sync', '--connector', connectorId, '--dry-run');
      expect(dry.status, dry.stderr).toBe(0);
      effectiveDate =
        /^Dry run \(nothing written\) succeeded for (\d{4}-\d{2}-\d{2}):/m.exec(dry.stdout)?.[1] ?? '';
      expect([dayBefore, localDay(new Date(), tenantZone)]).toContain(effectiveDate);

      expect(dry.stdout).toMatch(
        /^Workspace {20}Service {16}Result {19}Current → New {6}Delta {2}Date {8}Note$/m,
      );
      const summary = new RegExp(
        String.raw`^Dry run \(nothing written\) succeeded for ${effectiveDate}: (\d+) lines, (\d+) to adjust \(\+(\d+)/-(\d+) units\).*Autotask calls: \d+ reads, 0 writes\. Run [0-9a-f-]{36}\.$`,
        'm',
      ).exec(dry.stdout);
      expect(summary, dry.stdout).not.toBeNull();
      const [, linesTotal, toAdjust, added, removed] = (summary ?? []).map(Number);

      dryLines = await linesOf(runIdOf(dry.stdout));
      const adjust = dryLines.filter((l) => l.kind === 'adjust');
      expect(dryLines).toHaveLength(linesTotal ?? -1);
      expect(adjust).toHaveLength(toAdjust ?? -1);
      expect(adjust.length).toBeGreaterThan(10);
      expect(adjust.reduce((n, l) => n + Math.max(0, l.delta ?? 0), 0)).toBe(added);
      expect(adjust.reduce((n, l) => n - Math.min(0, l.delta ?? 0), 0)).toBe(removed);

      // Acme's EDR, checked against the sources rather than the run's own record: the current
      // units are the sandbox's (the demo seed's "off" value), the new ones the Coro usage.
      const acmeEdr = dryLines.find(
        (l) => l.workspace_name === 'Acme Corporation' && l.service_key === 'edr',
      );
      expect(acmeEdr?.kind).toBe('adjust');
      if (!acmeEdr) return;
      expect(acmeEdr.contract_id).toBe('1001');
      const current = unitsOf(acmeEdr, effectiveDate);
      const usage = await ctx.database.db
        .selectFrom('usage_daily as u')
        .innerJoin('workspaces as w', 'w.id', 'u.workspace_id')
        .select(['u.devices'])
        .where('w.display_name', '=', 'Acme Corporation')
        .where('u.service_key', '=', 'edr')
        .where('u.day', '<=', effectiveDate)
        .orderBy('u.day', 'desc')
        .executeTakeFirstOrThrow();
      expect(current).not.toBeNull();
      expect(usage.devices).not.toBe(current);
      const delta = usage.devices - (current ?? 0);
      expect({ current: acmeEdr.current_units, target: acmeEdr.target_units }).toStrictEqual({
        current,
        target: usage.devices,
      });
      const signed = delta > 0 ? `\\+${delta}` : String(delta);
      expect(dry.stdout).toMatch(
        new RegExp(
          String.raw`^Acme Corporation +EDR +adjust:not_applied +${current} → ${usage.devices} +${signed}  ${effectiveDate}  ${usage.devices} devices counted\.`,
          'm',
        ),
      );

      // Not a TTY: one progress line per change, from the first read to the finished run.
      expect(dry.stderr).toMatch(
        new RegExp(String.raw`^\[\.{30}\] +0% 0/${linesTotal} lines  reading  reads 0 writes 0$`, 'm'),
      );
      expect(dry.stderr).toMatch(
        new RegExp(
          String.raw`^\[#{30}\] 100% ${linesTotal}/${linesTotal} lines  finished  reads \d+ writes 0$`,
          'm',
        ),
      );
      expect(sb.admin.adjustments()).toHaveLength(adjustmentsBefore);
      expect(unitsOf(acmeEdr, effectiveDate)).toBe(current);
    },
  );

  it(
    'apply brings every planned line to the dry run’s target; a second run writes nothing',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const adjust = dryLines.filter((l) => l.kind === 'adjust');
      expect(adjust.length).toBeGreaterThan(10);
      const adjustmentsBefore = sb.admin.adjustments().length;

      // Not confirmed (no --yes, not a terminal): the preview and its money, then nothing written.
      const unconfirmed = await run('sync', '--connector', connectorId);
      expect(unconfirmed.status, unconfirmed.stderr).toBe(2);
      expect(unconfirmed.stdout).toMatch(
        /^Impact: \d+ changes, \+\d+ \/ −\d+ units, [+−]?[\d,]+\.\d\d(?: [A-Z]{3})? per month/m,
      );
      expect(unconfirmed.stdout).toMatch(/^Preview \(nothing written yet\) succeeded for /m);
      expect(unconfirmed.stderr).toContain('Nothing was written. Re-run with --yes');
      expect(sb.admin.adjustments()).toHaveLength(adjustmentsBefore);

      const applied = await run('sync', '--connector', connectorId, '--yes');
      expect(applied.status, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(
        new RegExp(
          String.raw`^Sync succeeded for ${effectiveDate}: \d+ lines, ${adjust.length} adjusted .*Autotask calls: \d+ reads, ${adjust.length} writes\.`,
          'm',
        ),
      );
      expect(applied.stdout).not.toContain('Dry run');
      expect(
        adjust.map((l) => `${l.workspace_name}/${l.service_key}: ${unitsOf(l, effectiveDate)}`),
      ).toStrictEqual(adjust.map((l) => `${l.workspace_name}/${l.service_key}: ${l.target_units}`));
      expect(sb.admin.adjustments()).toHaveLength(adjustmentsBefore + adjust.length);

      const again = await run('sync', '--connector', connectorId, '--yes');
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(
        new RegExp(
          String.raw`^Sync succeeded for ${effectiveDate}: \d+ lines, 0 adjusted \(\+0/-0 units\).*Autotask calls: \d+ reads, 0 writes\.`,
          'm',
        ),
      );
      expect(sb.admin.adjustments()).toHaveLength(adjustmentsBefore + adjust.length);
    },
  );

  it(
    'sync undo prints the reversals, writes them only with --yes, and refuses a second undo',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const applied = await ctx.database.db
        .selectFrom('sync_runs')
        .select('id')
        .where('connector_id', '=', connectorId)
        .where('mode', '=', 'apply')
        .where('adjusted', '>', 0)
        .executeTakeFirstOrThrow();
      const writes = await ledgerRowsAppliedByRun(ctx.database.db, applied.id);
      expect(writes.length).toBeGreaterThan(10);
      const before = sb.admin.adjustments().length;

      const shown = await run('sync', 'undo', applied.id);
      expect(shown.status, shown.stderr).toBe(2);
      expect(shown.stderr).toContain('Nothing written: pass --yes');
      expect(shown.stdout).toMatch(
        new RegExp(String.raw`^Undo of run ${applied.id}: ${writes.length} opposing adjustments `, 'm'),
      );
      expect(sb.admin.adjustments()).toHaveLength(before);

      const done = await run('sync', 'undo', applied.id, '--yes');
      expect(done.status, done.stderr).toBe(0);
      const undoRunId = new RegExp(
        String.raw`^Undo succeeded: ${writes.length} reversed .*Run ([0-9a-f-]{36}) \(undo of ${applied.id}\)\.$`,
        'm',
      ).exec(done.stdout)?.[1];
      expect(undoRunId, done.stdout).toBeDefined();
      expect(sb.admin.adjustments()).toHaveLength(before + writes.length);
      const fromUnits = new Map(writes.map((w) => [w.line_id, w.from_units]));
      const reversals = await linesOf(undoRunId ?? '');
      expect(
        reversals.map((l) => `${l.workspace_name}/${l.service_key}: ${unitsOf(l, l.effective_date ?? '')}`),
      ).toStrictEqual(
        reversals.map(
          (l) => `${l.workspace_name}/${l.service_key}: ${fromUnits.get(l.reverses_line_id ?? '')}`,
        ),
      );

      const again = await run('sync', 'undo', applied.id, '--yes');
      expect(again.status).toBe(1);
      expect(again.stderr).toBe('coro-psa: This run is already undone: every write was reversed.\n');
      expect(sb.admin.adjustments()).toHaveLength(before + writes.length);
    },
  );

  it(
    'an unknown connector fails with a one-line message, and no output ever holds the secret',
    { timeout: CLI_TEST_TIMEOUT_MS },
    async () => {
      const adjustmentsBefore = sb.admin.adjustments().length;
      for (const id of ['01900000-0000-7000-8000-000000000000', 'not-a-connector']) {
        const unknown = await run('sync', '--connector', id, '--dry-run');
        expect(unknown.status, unknown.stdout).toBe(1);
        expect(unknown.stderr).toBe(
          `coro-psa: No connector with id "${id}". Copy the id from the console (Connectors).\n`,
        );
        expect(unknown.stdout).toBe('');
        const runs = await ctx.database.db
          .selectFrom('sync_runs')
          .select('id')
          .where('connector_id', '=', id)
          .execute();
        expect(runs).toStrictEqual([]);
      }
      expect(sb.admin.adjustments()).toHaveLength(adjustmentsBefore);

      // demo seed, dry run, unconfirmed, apply, apply again, three undos, two unknown ids: every run this file made.
      expect(outputs).toHaveLength(10);
      expect(sb.apiUser.secret.length).toBeGreaterThan(8);
      for (const output of outputs) {
        expect(output.stdout).not.toContain(sb.apiUser.secret);
        expect(output.stderr).not.toContain(sb.apiUser.secret);
      }
    },
  );
});
