/**
 * Fixtures for RBAC matrices over connector-scoped routes (`…/connectors/:connectorId/…`): a real
 * Autotask sandbox and provider, and the seed channel's connector row pointing at it.
 *
 * @example
 * const { sandbox, provider } = await startRbacAutotask(); // top level: before describeRbacMatrix
 * // in a case's `prepare`: const { id } = await ensureChannelConnector(t, sandbox);
 * describeRbacMatrix('…', cases, { psaProviders: { autotask: provider } });
 */
import { afterAll } from 'vitest';
import { startSandbox, type Sandbox } from 'autotask-sandbox';

import { connectorSecretAad } from '../src/connectors/connector.service.js';
import { createAutotaskProvider, type AutotaskProvider } from '../src/integrations/autotask/index.js';
import { seedConnectorRow } from './connector.fixtures.js';
import type { TestApp } from './test-app.js';

/**
 * Starts the sandbox (demo seed) and a provider on it with short retries, both closed after the
 * file. Await it at the top level: the matrix helper takes its providers when the suite is declared.
 */
export async function startRbacAutotask(): Promise<{ sandbox: Sandbox; provider: AutotaskProvider }> {
  const sandbox = await startSandbox({ port: 0, seed: 'demo' });
  const provider = createAutotaskProvider({
    discoveryBaseUrl: `${sandbox.url}/ATServicesRest/`,
    maxAttempts: 2,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
  });
  afterAll(async () => {
    await provider.close();
    await sandbox.close();
  });
  return { sandbox, provider };
}

/**
 * The seed channel's connector: the one an earlier case left, as it is, or a new one, connected
 * with the sandbox's API user.
 */
export async function ensureChannelConnector(
  t: TestApp,
  sandbox: Sandbox,
): Promise<{ id: string; isNew: boolean }> {
  const existing = await t.db
    .selectFrom('psa_connectors')
    .select('id')
    .where('channel_id', '=', t.seed.channel.id)
    .executeTakeFirst();
  if (existing) return { id: existing.id, isNew: false };
  const id = await seedConnectorRow(t.db, t.seed.channel.id, {
    now: t.clock().toISOString(),
    credentials: (newRowId) => ({
      username: sandbox.apiUser.username,
      secret_box: t.ctx.secretBox.sealJson({ secret: sandbox.apiUser.secret }, connectorSecretAad(newRowId)),
      integration_code: sandbox.apiUser.integrationCode,
    }),
  });
  return { id, isNew: true };
}
