/**
 * Restarts must not lose or garble a run (issue 11, ADR 0010). A real `coro-psa serve` runs a sync
 * on this project's database and is sent SIGTERM mid-run, with a progress stream open: it must
 * exit 0 within its grace, leave the run `queued` and its job handed back; another process
 * (`serve` again on SQLite, a `worker` on PostgreSQL) resumes the SAME run within 60 s, which then
 * converges exactly once and reports one line per (workspace, service) with whole-run counters.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endpoints, endpointUrl } from '@coro/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_PASSWORD } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { grantRole } from '../auth/user.repository.js';
import { SERVE_GRACE_MS } from '../main.js';
import {
  createSyncHarness,
  demoCounts,
  demoServices,
  demoWorkspaces,
  type SyncHarness,
} from '../sync/sync.test-support.js';

const cli = fileURLToPath(new URL('../../bin/coro-psa.mjs', import.meta.url));

interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly address: string | null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly log: () => string;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(100);
  }
}

describe.skipIf(isDatabaseUnavailable())(
  `SIGTERM mid-sync, resumed by another process (${testDialect()})`,
  () => {
    let h: SyncHarness;
    let dataDir: string;
    const running: Proc[] = [];

    beforeAll(async () => {
      h = await createSyncHarness();
      dataDir = mkdtempSync(join(tmpdir(), 'coro-restart-'));
      await grantRole(h.t.db, h.t.seed.users.admin.id, h.channelId, 'msp_admin', h.clock().toISOString());
      for (const [i, [name]] of demoWorkspaces.entries()) await h.setUsage(name, demoCounts(30 + i, 20 + i));
    });
    afterAll(async () => {
      for (const proc of running) proc.child.kill('SIGKILL');
      await h.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function start(command: 'serve' | 'worker'): Promise<Proc> {
      const location = h.t.database.location;
      const child = spawn(process.execPath, [cli, command], {
        env: {
          ...process.env,
          MODE: 'test',
          LOG_LEVEL: 'info',
          PORT: '0',
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          DATABASE_URL: location.driver === 'postgres' ? location.url : `sqlite:${location.file}`,
          ENCRYPTION_KEYS: h.t.ctx.config.encryptionKeys
            .map((k) => `${k.id}:${k.key.toString('base64')}`)
            .join(','),
          AUTOTASK_DISCOVERY_URL: `${h.sb.url}/ATServicesRest/`,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const ready = command === 'serve' ? 'Coro PSA connector listening' : 'Coro PSA worker running';
      await until(
        `${command} to start:\n${output}`,
        () => output.includes(ready) || child.exitCode !== null,
        60_000,
      );
      if (child.exitCode !== null) throw new Error(`${command} exited at start:\n${output}`);
      const address = /"address":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? null;
      const proc = { child, address, exited, log: () => output };
      running.push(proc);
      return proc;
    }

    const runRow = (runId: string) =>
      h.t.db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();

    it(
      'exits 0 within its grace, hands the job back, and the same run resumes and converges once',
      { timeout: 180_000 },
      async () => {
        // Slow enough that SIGTERM lands between writes, not after the run.
        h.sb.admin.setLatency(250);
        const server = await start('serve');
        const base = server.address ?? '';
        const login = await fetch(base + endpointUrl(endpoints.auth.login, {}), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@test.example', password: TEST_PASSWORD }),
        });
        expect(login.status).toBe(200);
        const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
        const cookie = cookies.join('; ');
        const csrf = cookies.find((c) => c.startsWith('coro_csrf='))?.slice('coro_csrf='.length) ?? '';
        const ids = { channelId: h.channelId, connectorId: h.connectorId };
        const started = await fetch(base + endpointUrl(endpoints.sync.start, { params: ids }), {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': csrf },
        });
        expect(started.status).toBe(202);
        const { runId } = (await started.json()) as { runId: string };

        // A console following the run: its stream must not hold the shutdown up.
        const events = await fetch(base + endpointUrl(endpoints.sync.events, { params: { ...ids, runId } }), {
          headers: { cookie },
        });
        expect(events.status).toBe(200);
        const streamEnded = (async () => {
          const reader = events.body?.getReader();
          try {
            while (reader && !(await reader.read()).done);
          } catch {
            // "terminated": the server closed the socket, which is an end too.
          }
        })();

        await until('the first adjustments', () => h.sb.admin.adjustments().length >= 3, 60_000);
        const sigtermAt = Date.now();
        server.child.kill('SIGTERM');
        const exit = await server.exited;
        const shutdownMs = Date.now() - sigtermAt;
        expect({ exit, log: exit.code === 0 ? '' : server.log() }).toStrictEqual({
          exit: { code: 0, signal: null },
          log: '',
        });
        expect(shutdownMs).toBeLessThan(SERVE_GRACE_MS);
        await streamEnded;
        expect(server.log()).toContain('job handed back at a safe point');

        const interrupted = await runRow(runId);
        expect(interrupted).toMatchObject({
          status: 'queued',
          error_code: 'interrupted_by_shutdown',
          finished_at: null,
        });
        const landedBefore = h.sb.admin.adjustments().length;
        expect(landedBefore).toBeLessThan(demoWorkspaces.length * demoServices.length);
        if (testDialect() === 'sqlite') {
          const job = await h.t.db
            .selectFrom('jobs')
            .select(['state', 'attempts'])
            .where('name', '=', 'sync.connector')
            .executeTakeFirstOrThrow();
          expect(job).toStrictEqual({ state: 'queued', attempts: 0 });
        } else {
          const job = await sql<{
            state: string;
            retry_count: number;
          }>`select state, retry_count from pgboss.job where name = 'sync.connector'`.execute(h.t.db);
          expect(job.rows).toStrictEqual([{ state: 'retry', retry_count: 0 }]);
        }

        // Another process picks it up: the restarted server on SQLite, a worker on PostgreSQL.
        h.sb.admin.setLatency(20);
        const next = await start(testDialect() === 'sqlite' ? 'serve' : 'worker');
        await until(
          'the resumed run to finish',
          async () => (await runRow(runId)).finished_at !== null,
          60_000 - (Date.now() - sigtermAt) + 30_000,
        );
        const resumed = await runRow(runId);
        expect(Date.parse(resumed.resumed_at ?? '') - sigtermAt).toBeLessThan(60_000);
        expect({ status: resumed.status, error: resumed.error_message }).toStrictEqual({
          status: 'succeeded',
          error: null,
        });

        const lines = await h.lines(runId);
        const keys = lines.map((l) => `${l.workspace_id}/${l.service_key}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(lines.length).toBe(resumed.lines_total);
        await h.expectConverged(runId);
        expect(h.duplicates()).toStrictEqual([]);
        // Whole-run counters: every adjustment Autotask received came from this run.
        const received = h.sb.admin.adjustments().length;
        expect(received).toBeGreaterThan(landedBefore);
        expect(resumed.adjusted).toBe(received);
        expect(resumed.psa_writes).toBeGreaterThanOrEqual(received);
        expect(lines.filter((l) => l.kind === 'adjust' && l.status === 'applied')).toHaveLength(received);
        expect(
          lines.filter((l) => l.detail?.includes('before the interruption')).length,
        ).toBeGreaterThanOrEqual(landedBefore);

        next.child.kill('SIGTERM');
        expect(await next.exited).toStrictEqual({ code: 0, signal: null });
        const again = await h.run();
        expect(again.counters.psa_writes).toBe(0);
      },
    );
  },
);
