/**
 * Members behind counts: ingest rate and storage per month of history, beside the counts-only
 * ingest measured in the same run. A fleet of W workspaces × D devices on one device-billed
 * service, ingested daily for DAYS days with ~1 % of devices replaced per workspace per day; the
 * members are stored as intervals, so storage should track changes, not days × devices.
 * SQLite (the default deployment). Storage is measured after DAYS days (not extrapolated: an
 * interval store grows with the fleet once, then with changes). A daily ingest extends each
 * member's interval by a day: one UPDATE per new last day and 500 ids (`splitExtensions`), where it
 * once deleted and re-inserted every member's row.
 *
 *   npx tsx bench/members-ingest.bench.ts                       (10,000 × 100, 30 days)
 *   BENCH_WORKSPACES=500 BENCH_DAYS=7 npx tsx bench/members-ingest.bench.ts   (quick look)
 *
 * Figures are printed, never asserted. Measured 2026-12-04 at the full size (10,000 × 100, 30 days,
 * SQLite, nice 19 on 2 cores shared with other work):
 *   counts only    43,108 records/s, 73.0 MB after 30 days
 *   with members      615 records/s (61,479 members/s), 492.3 MB after 30 days,
 *                  1,290,000 intervals for 30,000,000 member-days (23× fewer rows than a row per day)
 * A daily ingest of the whole fleet with members takes ~16 s; 300 × 100 × 5 days went 252 → 456
 * records/s with the batched interval extension.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { UsageRecord } from '@coro/contracts';

import { systemActor } from '../apps/server/src/audit/audit.repository.js';
import { createDatabase, type Database } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrator.js';
import { ingestUsage } from '../apps/server/src/usage/usage.repository.js';
import { insertWorkspace } from '../apps/server/src/workspaces/workspace.repository.js';

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 10_000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
/** Records per ingest call: the API's batch limit is 5,000; with members a batch is heavier. */
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const START = Date.UTC(2026, 10, 1);

async function open(): Promise<{ database: Database; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'coro-bench-members-'));
  const database = createDatabase({ driver: 'sqlite', file: join(dir, 'bench.sqlite') });
  await migrateToLatest(database.db, 'sqlite');
  return {
    database,
    dispose: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bytesOf(database: Database): Promise<number> {
  const pages = await sql<{
    n: number;
  }>`select page_count * page_size as n from pragma_page_count(), pragma_page_size()`.execute(database.db);
  return pages.rows[0]?.n ?? 0;
}

/** Device k of workspace w on day d: each day the device at slot (d mod DEVICES) is replaced. */
function devicesOn(w: number, day: number): { id: string; name: string }[] {
  return Array.from({ length: DEVICES }, (_, slot) => {
    const generation = slot < day % DEVICES ? Math.floor(day / DEVICES) + 1 : Math.floor(day / DEVICES);
    const id = `w${w}-s${slot}-g${generation}`;
    return { id, name: `PC-${id}` };
  });
}

async function run(
  withMembers: boolean,
): Promise<{ seconds: number; records: number; bytes: number; intervals: number }> {
  const { database, dispose } = await open();
  try {
    const now = new Date(START + DAYS * 86_400_000).toISOString();
    const channel = await insertWorkspace(
      database.db,
      { kind: 'channel', parentId: null, displayName: 'Bench' },
      now,
    );
    const ids: string[] = [];
    for (let w = 0; w < WORKSPACES; w += 1)
      ids.push(
        (
          await insertWorkspace(
            database.db,
            { kind: 'child', parentId: channel.id, displayName: `W${w}`, status: 'Subscription' },
            now,
          )
        ).id,
      );
    const before = await bytesOf(database);
    let seconds = 0;
    for (let day = 0; day < DAYS; day += 1) {
      const iso = new Date(START + day * 86_400_000).toISOString().slice(0, 10);
      for (let from = 0; from < WORKSPACES; from += BATCH) {
        const records: UsageRecord[] = [];
        for (let w = from; w < Math.min(WORKSPACES, from + BATCH); w += 1)
          records.push({
            workspaceId: ids[w] ?? '',
            serviceKey: 'endpoint_security',
            day: iso,
            devices: DEVICES,
            users: 0,
            ...(withMembers ? { members: { devices: devicesOn(w, day) } } : {}),
          });
        const t0 = performance.now();
        await ingestUsage(database.db, {
          channelId: channel.id,
          records,
          actor: systemActor('bench'),
          source: 'bench',
          now: new Date(now),
        });
        seconds += (performance.now() - t0) / 1000;
      }
    }
    const intervals = Number(
      (
        await database.db
          .selectFrom('usage_member_intervals')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    return { seconds, records: WORKSPACES * DAYS, bytes: (await bytesOf(database)) - before, intervals };
  } finally {
    await dispose();
  }
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
console.log(`members ingest: ${WORKSPACES} workspaces × ${DEVICES} devices, ${DAYS} daily ingests (SQLite)`);
const counts = await run(false);
const members = await run(true);
console.log(
  `counts only:  ${Math.round(counts.records / counts.seconds)} records/s, storage after ${DAYS} days ${mb(counts.bytes)}`,
);
console.log(
  `with members: ${Math.round(members.records / members.seconds)} records/s (${Math.round((members.records * DEVICES) / members.seconds)} members/s), storage after ${DAYS} days ${mb(members.bytes)}, ${members.intervals} intervals for ${members.records * DEVICES} member-days`,
);
console.log(
  `ratio: ingest ${(counts.records / counts.seconds / (members.records / members.seconds)).toFixed(1)}× slower with members; storage ${(members.bytes / Math.max(1, counts.bytes)).toFixed(1)}× counts-only`,
);
