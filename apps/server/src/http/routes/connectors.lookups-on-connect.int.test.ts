import { endpoints } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

describe.skipIf(isDatabaseUnavailable())(`lookups read on CONNECT (${testDialect()})`, () => {
  let h: ConnectorHarness;

  beforeAll(async () => {
    h = await createConnectorHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('fills the company lookup after CONNECT without the refresh endpoint', async () => {
    const headers = await h.login('admin');
    const channelId = h.seed.channel.id;
    const created = await callEndpoint(h.app, endpoints.connectors.create, {
      params: { channelId },
      headers,
      body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    expect(created.statusCode).toBe(201);
    const connectorId = created.json().id;

    const companies = async (): Promise<unknown[]> => {
      const response = await callEndpoint(h.app, endpoints.lookups.companies, {
        params: { channelId, connectorId },
        headers,
      });
      expect(response.statusCode).toBe(200);
      return response.json().items;
    };
    // The refresh writes each page as it arrives and stamps the connector at the end: wait for that.
    const refreshedAt = async (): Promise<string | null> =>
      (
        await callEndpoint(h.app, endpoints.connectors.get, { params: { channelId, connectorId }, headers })
      ).json().companiesRefreshedAt;
    await expect.poll(refreshedAt, { timeout: 15_000, interval: 100 }).not.toBeNull();
    expect(await companies()).not.toHaveLength(0);
  });
});
