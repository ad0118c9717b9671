/**
 * The billing sync end to end through the ConnectWise sandbox (HTTPS): a small seeded channel is
 * mapped, a sync applies, and the sandbox's addition quantities then equal the Coro counts. The
 * domain and planner are the Autotask ones unchanged; only the provider differs.
 */
import { readFileSync } from 'node:fs';
import { startSandbox, type Sandbox } from 'connectwise-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../audit/audit.repository.js';
import { createConnector } from '../connectors/connector.service.js';
import { localDay } from '../domain/billing-policy.js';
import { createConnectWiseProvider, encodeCwCredentials } from '../integrations/connectwise/index.js';
import type { PsaConnection } from '../psa/psa-provider.port.js';
import { insertWorkspace } from '../workspaces/workspace.repository.js';
import { psaCompanyRow, seedMappedService, workspaceMappingRow } from '../../test/connector.fixtures.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { createTestApp, type TestApp } from '../../test/test-app.js';
import { runSync } from './index.js';
import { getSyncSettings, putSyncSettings } from './sync-settings.repository.js';
import { movingClock } from './sync.test-support.js';

const zone = 'America/New_York';
const workspaces = ['Acme Corporation', 'Blue Harbor Logistics'] as const;
const services = [
  ['endpoint_security', 'Coro Endpoint Security', 'devices'],
  ['edr', 'Coro EDR', 'devices'],
] as const;
const counts: Record<(typeof workspaces)[number], number> = {
  'Acme Corporation': 42,
  'Blue Harbor Logistics': 17,
};

describe.skipIf(isDatabaseUnavailable())(`billing sync through ConnectWise PSA (${testDialect()})`, () => {
  let sb: Sandbox;
  let t: TestApp;
  let probe: PsaConnection;
  let connectorId = '';
  const clock = movingClock();
  const companyIds = new Map<string, string>();

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, seed: 'demo', tls: true });
    const provider = createConnectWiseProvider({
      ca: readFileSync(sb.caFile ?? '', 'utf8'),
      backoffBaseMs: 5,
      backoffMaxMs: 40,
    });
    t = await createTestApp({
      psaProviders: { connectwise: provider },
      clock,
      config: { connectwise: { clientId: sb.credentials.clientId, caFile: null } },
    });
    const now = clock().toISOString();
    const channel = await insertWorkspace(
      t.db,
      { kind: 'channel', parentId: null, displayName: 'Northwind MSP' },
      now,
    );
    const credentials = encodeCwCredentials(sb.credentials, sb.credentials.clientId);
    const connector = await createConnector(t.ctx, systemActor('test'), channel.id, {
      kind: 'connectwise',
      username: credentials.username,
      secret: credentials.secret,
    });
    connectorId = connector.id;
    probe = provider.connect(credentials, { connectorId: 'probe' });
    for await (const page of probe.listCompanies()) {
      if (!page.ok) throw new Error(page.error.message);
      for (const c of page.value) companyIds.set(c.name, c.id);
    }
    const catalog = await probe.listServices();
    if (!catalog.ok) throw new Error(catalog.error.message);
    const serviceIds = new Map(catalog.value.map((s) => [s.name, s.id]));
    const today = localDay(clock(), zone);
    for (const name of workspaces) {
      const ws = await insertWorkspace(
        t.db,
        { kind: 'child', parentId: channel.id, displayName: name, status: 'Subscription' },
        now,
      );
      const psaId = companyIds.get(name) ?? '';
      await t.db
        .insertInto('psa_companies')
        .values(psaCompanyRow({ connectorId, psaId, name, now }))
        .execute();
      await t.db
        .insertInto('workspace_mappings')
        .values(workspaceMappingRow({ connectorId, workspaceId: ws.id, psaCompanyId: psaId, now }))
        .execute();
      for (const [key] of services) {
        const values = { devices: counts[name], users: 1, source: 'test', updated_at: now };
        await t.db
          .insertInto('usage_daily')
          .values({ workspace_id: ws.id, service_key: key, day: today, ...values })
          .execute();
      }
    }
    for (const [serviceKey, name, billingBasis] of services) {
      const psaServiceId = serviceIds.get(name) ?? '';
      await seedMappedService(t.db, { connectorId, psaServiceId, name, serviceKey, billingBasis, now });
    }
    const current = await getSyncSettings(t.db, connectorId);
    await putSyncSettings(
      t.db,
      connectorId,
      {
        ...current,
        policy: {
          ...current.policy,
          timeZone: zone,
          guardrails: { maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: null },
        },
      },
      'test',
      now,
    );
  });
  afterAll(async () => {
    await probe.close();
    await t.close();
    await sb.close();
  });

  it('an apply leaves each mapped addition holding the Coro count; a re-sync writes nothing', async () => {
    const run = await runSync(t.ctx, { connectorId, mode: 'apply', trigger: 'manual' });
    expect(run.counters.failed).toBe(0);
    expect(run.counters.psa_writes).toBeGreaterThan(0);
    const today = localDay(clock(), zone);
    for (const name of workspaces) {
      const contracts = await probe.readContracts([companyIds.get(name) ?? '']);
      if (!contracts.ok) throw new Error(contracts.error.message);
      const managed = contracts.value.filter((c) => c.isRecurringService && c.isActive).map((c) => c.id);
      const units = await probe.readUnits(managed, today);
      if (!units.ok) throw new Error(units.error.message);
      const catalog = await probe.listServices();
      if (!catalog.ok) throw new Error(catalog.error.message);
      for (const [, serviceName] of services) {
        const serviceId = catalog.value.find((s) => s.name === serviceName)?.id;
        expect({
          name,
          serviceName,
          units: units.value.filter((u) => u.serviceId === serviceId).map((u) => u.units),
        }).toEqual({
          name,
          serviceName,
          units: [counts[name]],
        });
      }
    }
    const writes = sb.admin.writes().length;
    const again = await runSync(t.ctx, { connectorId, mode: 'apply', trigger: 'manual' });
    expect(again.counters.failed).toBe(0);
    expect(sb.admin.writes().length).toBe(writes);
  });
});
