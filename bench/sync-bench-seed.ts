/**
 * What the sync benches (Autotask and ConnectWise) write before a run: the channel's workspaces
 * (`Customer 00000`, …), the connector's cached companies (`Company 0`, …), one mapping each and a
 * day of usage, in batches, and sync settings with the guardrails off (a bench measures calls, not
 * held lines). Not a bench itself.
 */
import type { Insertable, Kysely } from 'kysely';

import type { DB } from '../apps/server/src/db/schema.js';
import { newId } from '../apps/server/src/db/ids.js';
import { defaultBillingPolicy } from '../apps/server/src/domain/billing-policy.js';
import { putSyncSettings } from '../apps/server/src/sync/sync-settings.repository.js';
import { psaCompanyRow, workspaceMappingRow } from '../apps/server/test/connector.fixtures.js';

/** One child workspace of the bench channel: the PSA company it is mapped to, its devices today. */
export interface BenchWorkspace {
  readonly psaCompanyId: string;
  /** Devices per service, in the order of `serviceKeys`. */
  readonly devices: readonly number[];
}

interface BenchChannelRows {
  readonly workspaces: Insertable<DB['workspaces']>[];
  readonly companies: Insertable<DB['psa_companies']>[];
  readonly mappings: Insertable<DB['workspace_mappings']>[];
  readonly usage: Insertable<DB['usage_daily']>[];
}

function benchChannelRows(
  channelId: string,
  connectorId: string,
  workspaces: readonly BenchWorkspace[],
  options: { readonly serviceKeys: readonly string[]; readonly today: string; readonly now: string },
): BenchChannelRows {
  const { serviceKeys, today, now } = options;
  const rows: BenchChannelRows = { workspaces: [], companies: [], mappings: [], usage: [] };
  for (const [w, { psaCompanyId, devices }] of workspaces.entries()) {
    const id = newId();
    rows.workspaces.push({
      id,
      kind: 'child',
      parent_id: channelId,
      display_name: `Customer ${String(w).padStart(5, '0')}`,
      company_name: null,
      status: 'Subscription',
      created_at: now,
      updated_at: now,
    });
    rows.companies.push(psaCompanyRow({ connectorId, psaId: psaCompanyId, name: `Company ${w}`, now }));
    rows.mappings.push(workspaceMappingRow({ connectorId, workspaceId: id, psaCompanyId, now }));
    for (const [s, count] of devices.entries())
      rows.usage.push({
        workspace_id: id,
        service_key: serviceKeys[s] ?? '',
        day: today,
        devices: count,
        users: 0,
        source: 'bench',
        updated_at: now,
      });
  }
  return rows;
}

export async function insertBenchChannel(
  db: Kysely<DB>,
  ids: { readonly channelId: string; readonly connectorId: string },
  workspaces: readonly BenchWorkspace[],
  options: {
    readonly serviceKeys: readonly string[];
    readonly today: string;
    readonly timeZone: string;
    readonly now: string;
  },
): Promise<void> {
  const { channelId, connectorId } = ids;
  const rows = benchChannelRows(channelId, connectorId, workspaces, options);
  for (let i = 0; i < rows.workspaces.length; i += 500)
    await db
      .insertInto('workspaces')
      .values(rows.workspaces.slice(i, i + 500))
      .execute();
  for (let i = 0; i < rows.companies.length; i += 500)
    await db
      .insertInto('psa_companies')
      .values(rows.companies.slice(i, i + 500))
      .execute();
  for (let i = 0; i < rows.mappings.length; i += 500)
    await db
      .insertInto('workspace_mappings')
      .values(rows.mappings.slice(i, i + 500))
      .execute();
  for (let i = 0; i < rows.usage.length; i += 1000)
    await db
      .insertInto('usage_daily')
      .values(rows.usage.slice(i, i + 1000))
      .execute();
  await putSyncSettings(
    db,
    connectorId,
    {
      policy: {
        ...defaultBillingPolicy,
        timeZone: options.timeZone,
        guardrails: { maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: null },
      },
      isScheduleEnabled: false,
      scheduleTime: '06:00',
    },
    'bench',
    options.now,
  );
}
