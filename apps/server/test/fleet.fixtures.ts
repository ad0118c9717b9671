/**
 * A fleet of connectors over one multi-tenant Autotask sandbox, written straight to the tables
 * (as the sync bench does): each tenant database is a `scale:N` seed with its own API users; each
 * connector maps W of its tenant's companies and S services, with a share of the lines changed.
 * Used by the fleet integration test and `bench/fleet.bench.ts`. Test-only.
 */
import type { Kysely } from 'kysely';
import type { Sandbox } from 'autotask-sandbox';

import { connectorSecretAad } from '../src/connectors/connector.service.js';
import type { SecretBox } from '../src/crypto/secret-box.js';
import type { DB } from '../src/db/schema.js';
import { newId } from '../src/db/ids.js';
import { defaultBillingPolicy } from '../src/domain/billing-policy.js';
import { createAutotaskProvider } from '../src/integrations/autotask/index.js';
import { putSyncSettings } from '../src/sync/sync-settings.repository.js';
import {
  psaCompanyRow,
  seedChannel,
  seedConnectorRow,
  seedMappedService,
  workspaceMappingRow,
} from './connector.fixtures.js';

export const fleetTimeZone = 'America/New_York';
/** Coro service key → the scale seed's Autotask service name, in the order S takes them. */
const services = [
  ['endpoint_security', 'Coro Endpoint Security'],
  ['edr', 'Coro EDR'],
  ['email_security', 'Coro Email Security'],
  ['cloud_security', 'Coro Cloud Security'],
  ['secure_messages', 'Coro Secure Messages'],
  ['mobile_device_management', 'Coro MDM'],
] as const;
/** The scale seed numbers company i (from 0) as 174 + i, its recurring contract as 1001 + i. */
const companyId = (i: number): number => 174 + i;
const contractId = (i: number): number => 1001 + i;

export interface FleetOptions {
  readonly tenants: number;
  /** Connectors sharing each tenant database (each with its own API user and companies). */
  readonly connectorsPerTenant: number;
  readonly workspaces: number;
  readonly services: number;
  /** Every n-th line (workspace × service) gets a new target. */
  readonly changeEvery: number;
  /** The integration code every API user of the fleet has (ours: one tracking identifier). */
  readonly integrationCode: string;
  /** Per-tenant sandbox limits, by tenant index. */
  readonly tenantLimits?: (index: number) => { latencyMs?: number; hourlyThreshold?: number };
}

export interface FleetLine {
  readonly contractId: number;
  readonly serviceId: number;
  readonly target: number;
  readonly isChanged: boolean;
}

export interface FleetConnector {
  readonly connectorId: string;
  readonly tenantId: string;
  readonly lines: readonly FleetLine[];
}

export const fleetTenantId = (index: number): string => `msp-${String(index).padStart(4, '0')}`;

/** Adds the tenants to the sandbox and the channels, connectors, mappings and counts to the database. */
export async function seedFleet(
  db: Kysely<DB>,
  sandbox: Sandbox,
  secretBox: SecretBox,
  options: FleetOptions,
  today: string,
): Promise<FleetConnector[]> {
  const perTenant = options.connectorsPerTenant;
  const userOf = (t: number, c: number) => ({
    username: `coro-${t}-${c}@${fleetTenantId(t)}.example`,
    secret: `secret-${t}-${c}`,
    integrationCode: options.integrationCode,
  });
  for (let t = 0; t < options.tenants; t++) {
    const tenant = sandbox.admin.addTenant({
      id: fleetTenantId(t),
      apiUser: userOf(t, 0),
      seed: `scale:${options.workspaces * perTenant}`,
      ...options.tenantLimits?.(t),
    });
    for (let c = 1; c < perTenant; c++) sandbox.admin.tenant(tenant.id).addApiUser(userOf(t, c));
  }
  const serviceIds = await readServiceIds(sandbox, userOf(0, 0), options.services);
  const now = new Date().toISOString();
  const fleet: FleetConnector[] = [];
  for (let t = 0; t < options.tenants; t++) {
    const tenantAdmin = sandbox.admin.tenant(fleetTenantId(t));
    for (let c = 0; c < perTenant; c++) {
      const user = userOf(t, c);
      const { channelId } = await seedChannel(db, `MSP ${t}.${c}`);
      const connectorId = await seedConnectorRow(db, channelId, {
        now,
        credentials: (id) => ({
          username: user.username,
          secret_box: secretBox.sealJson({ secret: user.secret }, connectorSecretAad(id)),
          integration_code: user.integrationCode,
        }),
      });
      await mapServices(db, connectorId, serviceIds, now);
      const lines: FleetLine[] = [];
      const usage = [];
      const companies: number[] = [];
      for (let w = 0; w < options.workspaces; w++) companies.push(c * options.workspaces + w);
      const workspaceIds = await mapWorkspaces(db, connectorId, channelId, companies.map(companyId), now);
      for (const [w, company] of companies.entries()) {
        for (let s = 0; s < options.services; s++) {
          const serviceId = serviceIds[s] ?? 0;
          const current = tenantAdmin.unitsOn(contractId(company), serviceId, today) ?? 0;
          const isChanged = (w * options.services + s) % options.changeEvery === 0;
          const target = isChanged ? current + 1 + (w % 7) : current;
          lines.push({ contractId: contractId(company), serviceId, target, isChanged });
          usage.push({
            workspace_id: workspaceIds[w] ?? '',
            service_key: services[s]?.[0] ?? '',
            day: today,
            devices: target,
            users: 0,
            source: 'fleet',
            updated_at: now,
          });
        }
      }
      await db.insertInto('usage_daily').values(usage).execute();
      await putSyncSettings(
        db,
        connectorId,
        {
          policy: {
            ...defaultBillingPolicy,
            timeZone: fleetTimeZone,
            guardrails: { maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: null },
          },
          isScheduleEnabled: false,
          scheduleTime: '06:00',
        },
        'fleet',
        now,
      );
      fleet.push({ connectorId, tenantId: fleetTenantId(t), lines });
    }
  }
  return fleet;
}

/** The catalog's service ids, as the tenant's API lists them (identical in every scale tenant). */
async function readServiceIds(
  sandbox: Sandbox,
  user: { username: string; secret: string; integrationCode: string },
  count: number,
): Promise<number[]> {
  const provider = createAutotaskProvider({ discoveryBaseUrl: `${sandbox.url}/ATServicesRest/` });
  const connection = provider.connect(user, { connectorId: 'fleet-setup' });
  try {
    const listed = await connection.listServices();
    if (!listed.ok) throw new Error(`listServices: ${listed.error.message}`);
    return services.slice(0, count).map(([, name]) => {
      const found = listed.value.find((s) => s.name === name);
      if (!found) throw new Error(`the scale seed has no service ${name}`);
      return Number(found.id);
    });
  } finally {
    await connection.close();
    await provider.close();
  }
}

async function mapServices(
  db: Kysely<DB>,
  connectorId: string,
  serviceIds: readonly number[],
  now: string,
): Promise<void> {
  for (const [i, psaId] of serviceIds.entries()) {
    const [serviceKey, name] = services[i] ?? ['', ''];
    await seedMappedService(db, { connectorId, psaServiceId: String(psaId), name, serviceKey, now });
  }
}

/** One child workspace per company, mapped to it (one insert per table: benches seed thousands). */
async function mapWorkspaces(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
  psaCompanyIds: readonly number[],
  now: string,
): Promise<string[]> {
  const ids = psaCompanyIds.map(() => newId());
  await db
    .insertInto('workspaces')
    .values(
      ids.map((id, i) => ({
        id,
        kind: 'child',
        parent_id: channelId,
        display_name: `Customer ${i}`,
        company_name: null,
        status: 'Subscription',
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  await db
    .insertInto('psa_companies')
    .values(
      psaCompanyIds.map((psaId) =>
        psaCompanyRow({ connectorId, psaId: String(psaId), name: `Company ${psaId}`, now }),
      ),
    )
    .execute();
  await db
    .insertInto('workspace_mappings')
    .values(
      ids.map((id, i) =>
        workspaceMappingRow({ connectorId, workspaceId: id, psaCompanyId: String(psaCompanyIds[i]), now }),
      ),
    )
    .execute();
  return ids;
}

/** Per connector: lines whose units differ from the target, and adjustments beyond one per changed line. */
export function fleetProblems(sandbox: Sandbox, connector: FleetConnector, today: string): string[] {
  const tenant = sandbox.admin.tenant(connector.tenantId);
  const problems: string[] = [];
  const adjustments = tenant.adjustments();
  for (const line of connector.lines) {
    const units = tenant.unitsOn(line.contractId, line.serviceId, today);
    if (units !== line.target)
      problems.push(`${connector.tenantId} ${line.contractId}/${line.serviceId}: ${units} ≠ ${line.target}`);
    const made = adjustments.filter(
      (a) => a.contractID === line.contractId && a.serviceID === line.serviceId,
    ).length;
    if (made !== (line.isChanged ? 1 : 0))
      problems.push(`${connector.tenantId} ${line.contractId}/${line.serviceId}: ${made} adjustments`);
  }
  return problems;
}
