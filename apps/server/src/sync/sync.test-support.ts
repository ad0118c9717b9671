/**
 * Shared set-up for the sync integration tests: a real sandbox over loopback (demo seed), the real
 * app context on this project's database, a real connector (credentials encrypted through the
 * connectors service), and a Coro channel shaped like docs/demo-data.md. Test-only.
 */
import { startSandbox } from 'autotask-sandbox';
import { expect } from 'vitest';

import { systemActor } from '../audit/audit.repository.js';
import { createConnector } from '../connectors/connector.service.js';
import type { BillingPolicy } from '../domain/billing-policy.js';
import { localDay } from '../domain/billing-policy.js';
import {
  createAutotaskProvider,
  type AutotaskProvider,
  type AutotaskProviderConfig,
} from '../integrations/autotask/index.js';
import type { PsaConnection } from '../psa/psa-provider.port.js';
import { insertWorkspace } from '../workspaces/workspace.repository.js';
import { createTestApp, type TestApp, type TestClock } from '../../test/test-app.js';
import { psaCompanyRow, seedMappedService, workspaceMappingRow } from '../../test/connector.fixtures.js';
import { runSync, type RunSyncOptions, type SyncRunSummary } from './index.js';
import { type SyncLineRow, listSyncLines } from './sync-run.repository.js';
import { getSyncSettings, putSyncSettings } from './sync-settings.repository.js';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
export const tenantZone = 'America/New_York';

/** Coro workspaces of the demo story: [Coro name, status, Autotask company name or null]. */
export const demoWorkspaces: readonly (readonly [string, string, string | null])[] = [
  ['Acme Corporation', 'Subscription', 'Acme Corporation'],
  ['Blue Harbor Logistics', 'Subscription', 'Blue Harbor Logistics'],
  ['Cedar Ridge Dental', 'Subscription', 'Cedar Ridge Dental'],
  ['Delta Freight Partners', 'Subscription', 'Delta Freight Partners'],
  ['Evergreen Law Group', 'Subscription', 'Evergreen Law Group LLP'],
  ['Elm Grove Library', 'Subscription', 'Elm Grove Library'],
  ['Foxtrot Distribution', 'Subscription', 'Foxtrot Distribution'],
  ['Glacier Bay Fisheries', 'Subscription', 'Glacier Bay Fisheries'],
  ['Hollow Creek Farms', 'Inactive', 'Hollow Creek Farms'],
  ['Indigo Design Studio', 'Trial', 'Indigo Design Studio'],
  ['Jasper Legal', 'New', 'Jasper Legal'],
  ['Kestrel Robotics', 'Subscription', 'Kestrel Robotics'],
  ['Nimbus Cloud Services', 'Subscription', null],
];

/** Mapped services: Coro key → Autotask service name. */
export const demoServices: readonly (readonly [string, string, 'devices' | 'users'])[] = [
  ['endpoint_security', 'Coro Endpoint Security', 'devices'],
  ['edr', 'Coro EDR', 'devices'],
  ['email_security', 'Coro Email Security', 'users'],
];

/**
 * A clock that runs with real time plus a settable offset: leases written by a worker process
 * (which uses real time) must expire for the test's in-process runs too.
 */
export function movingClock(): TestClock {
  let offsetMs = 0;
  const clock = (() => new Date(Date.now() + offsetMs)) as TestClock;
  clock.set = (date) => {
    offsetMs = new Date(date).getTime() - Date.now();
  };
  clock.advance = (ms) => {
    offsetMs += ms;
  };
  return clock;
}

export const fastRetries = { backoffBaseMs: 5, backoffMaxMs: 40, maxRetryAfterMs: 200 } as const;

export interface SyncHarness {
  readonly sb: Sandbox;
  readonly t: TestApp;
  readonly clock: TestClock;
  readonly provider: AutotaskProvider;
  readonly connectorId: string;
  readonly channelId: string;
  readonly workspaceIds: ReadonlyMap<string, string>;
  readonly companyIds: ReadonlyMap<string, string>;
  readonly serviceIds: ReadonlyMap<string, string>;
  /** The connector's "today" (tenant zone). */
  today(): string;
  setUsage(
    workspace: string,
    counts: Partial<Record<string, { devices: number; users: number }>>,
    day?: string,
  ): Promise<void>;
  setPolicy(patch: Partial<BillingPolicy>): Promise<void>;
  run(options?: Partial<RunSyncOptions>): Promise<SyncRunSummary>;
  lines(runId: string): Promise<SyncLineRow[]>;
  /** A connection of a different integration: edits "by hand" and independent checks. */
  other(): PsaConnection;
  /** Asserts every adjust-able line of the run now holds its target in the sandbox, on its date. */
  expectConverged(runId: string): Promise<void>;
  /** Adjustments that share (contract service, date): must always be empty. */
  duplicates(): string[];
  close(): Promise<void>;
}

export async function createSyncHarness(
  options: {
    seed?: string;
    policy?: Partial<BillingPolicy>;
    /** Extra provider settings (budget share, a clock shared with the sandbox, …). */
    provider?: (env: { sb: Sandbox; clock: TestClock }) => AutotaskProviderConfig;
  } = {},
): Promise<SyncHarness> {
  const sb = await startSandbox({ seed: (options.seed ?? 'demo') as 'demo', tenantTimeZone: tenantZone });
  const clock = movingClock();
  const provider = createAutotaskProvider({
    discoveryBaseUrl: `${sb.url}/ATServicesRest/`,
    ...fastRetries,
    ...options.provider?.({ sb, clock }),
  });
  const t = await createTestApp({ psaProviders: { autotask: provider }, clock });
  const now = clock().toISOString();
  const channel = await insertWorkspace(
    t.db,
    { kind: 'channel', parentId: null, displayName: 'Northwind MSP' },
    now,
  );
  const connector = await createConnector(t.ctx, systemActor('test'), channel.id, {
    kind: 'autotask',
    username: sb.apiUser.username,
    secret: sb.apiUser.secret,
    integrationCode: sb.apiUser.integrationCode,
  });

  const probe = provider.connect(
    { username: sb.apiUser.username, secret: sb.apiUser.secret, integrationCode: sb.apiUser.integrationCode },
    { connectorId: 'probe' },
  );
  const companyIds = new Map<string, string>();
  for await (const page of probe.listCompanies()) {
    if (!page.ok) throw new Error(page.error.message);
    for (const c of page.value) companyIds.set(c.name, c.id);
  }
  const services = await probe.listServices();
  if (!services.ok) throw new Error(services.error.message);
  const serviceIds = new Map(services.value.map((s) => [s.name, s.id]));

  const workspaceIds = new Map<string, string>();
  for (const [name, status, company] of demoWorkspaces) {
    const ws = await insertWorkspace(
      t.db,
      { kind: 'child', parentId: channel.id, displayName: name, status: status as 'Subscription' },
      now,
    );
    workspaceIds.set(name, ws.id);
    const companyId = company ? companyIds.get(company) : undefined;
    if (company && !companyId) throw new Error(`sandbox has no company ${company}`);
    if (companyId) {
      await t.db
        .insertInto('psa_companies')
        .values(psaCompanyRow({ connectorId: connector.id, psaId: companyId, name: company ?? '', now }))
        .execute();
      await t.db
        .insertInto('workspace_mappings')
        .values(
          workspaceMappingRow({
            connectorId: connector.id,
            workspaceId: ws.id,
            psaCompanyId: companyId,
            now,
          }),
        )
        .execute();
    }
  }
  for (const [serviceKey, name, billingBasis] of demoServices) {
    const psaServiceId = serviceIds.get(name);
    if (!psaServiceId) throw new Error(`sandbox has no service ${name}`);
    await seedMappedService(t.db, {
      connectorId: connector.id,
      psaServiceId,
      name,
      serviceKey,
      billingBasis,
      now,
    });
  }
  const setPolicy = async (patch: Partial<BillingPolicy>): Promise<void> => {
    const current = await getSyncSettings(t.db, connector.id);
    await putSyncSettings(
      t.db,
      connector.id,
      { ...current, policy: { ...current.policy, ...patch } },
      'test',
      clock().toISOString(),
    );
  };
  await setPolicy({
    timeZone: tenantZone,
    guardrails: { maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: null },
    ...options.policy,
  });
  const today = (): string => localDay(clock(), tenantZone);

  const setUsage: SyncHarness['setUsage'] = async (workspace, counts, day) => {
    const workspaceId = workspaceIds.get(workspace);
    if (!workspaceId) throw new Error(`no workspace ${workspace}`);
    const d = day ?? today();
    for (const [serviceKey, c] of Object.entries(counts)) {
      if (!c) continue;
      const values = {
        devices: c.devices,
        users: c.users,
        source: 'test',
        updated_at: clock().toISOString(),
      };
      await t.db
        .insertInto('usage_daily')
        .values({ workspace_id: workspaceId, service_key: serviceKey, day: d, ...values })
        .onConflict((oc) => oc.columns(['workspace_id', 'service_key', 'day']).doUpdateSet(values))
        .execute();
    }
  };

  let otherConnection: PsaConnection | undefined;
  const harness: SyncHarness = {
    sb,
    t,
    clock,
    provider,
    connectorId: connector.id,
    channelId: channel.id,
    workspaceIds,
    companyIds,
    serviceIds,
    today,
    setUsage,
    setPolicy,
    run: (opts = {}) =>
      runSync(t.ctx, { connectorId: connector.id, mode: 'apply', trigger: 'manual', ...opts }),
    lines: (runId) => listSyncLines(t.db, runId),
    other: () => (otherConnection ??= probe),
    expectConverged: async (runId) => {
      const lines = await listSyncLines(t.db, runId);
      for (const line of lines) {
        if (line.status !== 'applied' && line.kind !== 'unchanged') continue;
        const on = line.effective_date ?? today();
        const units = sb.admin.unitsOn(Number(line.contract_id), Number(line.psa_service_id), on);
        expect({ line: `${line.workspace_name}/${line.service_key}`, units }).toStrictEqual({
          line: `${line.workspace_name}/${line.service_key}`,
          units: line.target_units,
        });
      }
    },
    duplicates: () => {
      const seen = new Map<string, number>();
      for (const a of sb.admin.adjustments()) {
        const key = `${a.contractServiceID}@${a.effectiveDate.slice(0, 10)}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    },
    close: async () => {
      await probe.close();
      await t.close();
      await provider.close();
      await sb.close();
    },
  };
  return harness;
}

/** Typical counts for the demo workspaces (devices for device services, users for email). */
export function demoCounts(
  devices: number,
  users: number,
): Record<string, { devices: number; users: number }> {
  return Object.fromEntries(demoServices.map(([key]) => [key, { devices, users }]));
}
