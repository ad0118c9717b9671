/**
 * What the sync benches (Autotask and ConnectWise) write before a run: the channel's workspaces,
 * the connector's cached companies, the mappings and a day of usage, in batches, and sync settings
 * with the guardrails off (a bench measures calls, not held lines). Not a bench itself.
 */
import type { Insertable, Kysely } from 'kysely';

import type { DB } from '../apps/server/src/db/schema.js';
import { defaultBillingPolicy } from '../apps/server/src/domain/billing-policy.js';
import { putSyncSettings } from '../apps/server/src/sync/sync-settings.repository.js';

export interface BenchChannelRows {
  readonly workspaces: readonly Insertable<DB['workspaces']>[];
  readonly companies: readonly Insertable<DB['psa_companies']>[];
  readonly mappings: readonly Insertable<DB['workspace_mappings']>[];
  readonly usage: readonly Insertable<DB['usage_daily']>[];
}

export async function insertBenchChannel(
  db: Kysely<DB>,
  connectorId: string,
  rows: BenchChannelRows,
  options: { readonly timeZone: string; readonly now: string },
): Promise<void> {
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
