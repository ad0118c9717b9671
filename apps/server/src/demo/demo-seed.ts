import type { Kysely } from 'kysely';
import type { ChildStatus, Role, UsageRecord } from '@coro/contracts';

import { systemActor } from '../audit/audit.repository.js';
import { hashPassword } from '../auth/password.js';
import { findUserByEmail, grantRole, insertUser } from '../auth/user.repository.js';
import type { DB } from '../db/schema.js';
import { ingestUsage } from '../usage/usage.repository.js';
import { withDemoMembers } from './demo-members.js';
import { insertWorkspace, type NewWorkspace } from '../workspaces/workspace.repository.js';
import {
  DEMO_HISTORY_DAYS,
  demoChannelName,
  demoChildren,
  demoCoreServices,
  demoExtraServices,
  demoUsers,
  southpoint,
} from './demo-data.js';

const DAY_MS = 86_400_000;
/** The usage walk starts here so a given day has the same counts whenever the seed runs. */
const WALK_EPOCH = Date.UTC(2025, 0, 1);

export interface DemoSeedSummary {
  readonly channelId: string;
  readonly southpointChannelId: string;
  readonly workspacesCreated: number;
  readonly usage: { inserted: number; updated: number; unchanged: number };
}

/**
 * Idempotent Coro-side demo: the Northwind MSP channel with the 40 child workspaces of
 * docs/demo-data.md, 90 days of usage, the demo admin and viewer, and a second channel
 * (Southpoint IT) with its own admin so tenant isolation is visible. Running it again changes
 * nothing except adding the days since the last run.
 */
export async function seedDemo(
  db: Kysely<DB>,
  now: Date,
  log: (line: string) => void = () => undefined,
): Promise<DemoSeedSummary> {
  const nowIso = now.toISOString();
  let workspacesCreated = 0;
  const ensureWorkspace = async (input: NewWorkspace): Promise<string> => {
    const existing = await db
      .selectFrom('workspaces')
      .select('id')
      .where('kind', '=', input.kind)
      .where('display_name', '=', input.displayName)
      .where((eb) =>
        input.parentId === null ? eb('parent_id', 'is', null) : eb('parent_id', '=', input.parentId),
      )
      .executeTakeFirst();
    if (existing) return existing.id;
    workspacesCreated += 1;
    return (await insertWorkspace(db, input, nowIso)).id;
  };
  const ensureUser = async (
    user: { email: string; password: string; displayName: string },
    workspaceId: string,
    role: Role,
  ) => {
    const existing = await findUserByEmail(db, user.email);
    const id =
      existing?.id ??
      (
        await insertUser(
          db,
          {
            email: user.email,
            displayName: user.displayName,
            passwordHash: await hashPassword(user.password),
          },
          nowIso,
        )
      ).id;
    await grantRole(db, id, workspaceId, role, nowIso);
  };

  const channelId = await ensureWorkspace({ kind: 'channel', parentId: null, displayName: demoChannelName });
  const children: { id: string; name: string; status: ChildStatus }[] = [];
  for (const child of demoChildren) {
    const id = await ensureWorkspace({
      kind: 'child',
      parentId: channelId,
      displayName: child.name,
      companyName: child.name,
      status: child.status,
    });
    children.push({ id, name: child.name, status: child.status });
  }
  await ensureUser(demoUsers.admin, channelId, 'msp_super_admin');
  await ensureUser(demoUsers.viewer, channelId, 'msp_viewer');

  const southpointChannelId = await ensureWorkspace({
    kind: 'channel',
    parentId: null,
    displayName: southpoint.channelName,
  });
  const southpointChildren: { id: string; name: string; status: ChildStatus }[] = [];
  for (const child of southpoint.children) {
    const id = await ensureWorkspace({
      kind: 'child',
      parentId: southpointChannelId,
      displayName: child.name,
      companyName: child.name,
      status: child.status,
    });
    southpointChildren.push({ id, name: child.name, status: child.status });
  }
  await ensureUser(southpoint.admin, southpointChannelId, 'msp_super_admin');
  log(`workspaces: ${workspacesCreated} created`);

  const usage = { inserted: 0, updated: 0, unchanged: 0 };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const [channel, list] of [
    [channelId, children],
    [southpointChannelId, southpointChildren],
  ] as const) {
    for (const child of list) {
      const records = withDemoMembers(demoUsageFor(child.id, child.name, child.status, today), child.name);
      const result = await ingestUsage(db, {
        channelId: channel,
        records,
        actor: systemActor('demo seed'),
        source: 'demo',
        now,
      });
      usage.inserted += result.inserted;
      usage.updated += result.updated;
      usage.unchanged += result.unchanged;
    }
  }
  log(`usage: ${usage.inserted} inserted, ${usage.updated} updated, ${usage.unchanged} unchanged`);
  return { channelId, southpointChannelId, workspacesCreated, usage };
}

/** Small deterministic PRNG (mulberry32) seeded from a string. */
function prng(seed: string): () => number {
  let state = 0;
  for (const char of seed) state = (Math.imul(state ^ char.charCodeAt(0), 2_654_435_761) + 1) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Realistic, slowly changing counts: a per-company size, and a random walk by absolute day where
 * most days nothing changes and some days a device or user comes or goes.
 */
export function demoUsageFor(
  workspaceId: string,
  name: string,
  status: ChildStatus,
  todayMs: number,
): UsageRecord[] {
  const random = prng(name);
  const baseDevices = 8 + Math.floor(random() ** 2 * 320);
  const baseUsers = Math.max(3, Math.round(baseDevices * (0.7 + random() * 0.5)));
  const extras = demoExtraServices.filter(() => random() < 0.35);
  const services = [...demoCoreServices, ...extras];
  // New and trial customers started recently; an inactive one stopped a few weeks ago.
  const startOffset = status === 'New' ? 9 : status === 'Trial' ? 27 : DEMO_HISTORY_DAYS - 1;
  const firstDay = today(todayMs) - startOffset * DAY_MS;
  const stoppedAfter = status === 'Inactive' ? today(todayMs) - 21 * DAY_MS : Number.POSITIVE_INFINITY;

  let devices = baseDevices;
  let users = baseUsers;
  const records: UsageRecord[] = [];
  for (let day = WALK_EPOCH; day <= todayMs; day += DAY_MS) {
    const change = random();
    if (change < 0.12)
      devices = Math.max(
        1,
        devices + (random() < 0.55 ? 1 : -1) * (1 + Math.floor(random() * Math.max(1, devices * 0.02))),
      );
    if (change > 0.9)
      users = Math.max(
        1,
        users + (random() < 0.55 ? 1 : -1) * (1 + Math.floor(random() * Math.max(1, users * 0.02))),
      );
    if (day < firstDay || day > stoppedAfter) continue;
    const iso = new Date(day).toISOString().slice(0, 10);
    for (const serviceKey of services) {
      const share = shareOf(serviceKey, name);
      records.push({
        workspaceId,
        serviceKey,
        day: iso,
        devices: Math.max(0, Math.round(devices * share)),
        users: Math.max(0, Math.round(users * share)),
      });
    }
  }
  return records;
}

const today = (ms: number): number => ms - (ms % DAY_MS);

/** Not every device runs EDR, not every mailbox sends secure messages: a stable share per company. */
function shareOf(serviceKey: string, name: string): number {
  if (serviceKey === 'endpoint_security' || serviceKey === 'email_security') return 1;
  const random = prng(`${name}:${serviceKey}`);
  return 0.55 + random() * 0.4;
}
