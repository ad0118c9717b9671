import { endpoints, type Connector } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { defaultBillingPolicy } from '../../domain/billing-policy.js';
import { nextRunAt, scheduleJitterMs } from '../../jobs/schedule/daily-schedule.js';
import { armSchedule, putSyncSettings } from '../../sync/sync-settings.repository.js';

type ConnectorBody = Connector;

describe.skipIf(isDatabaseUnavailable())(`connector next sync (${testDialect()})`, () => {
  let h: ConnectorHarness;
  let headers: Record<string, string>;
  let connectorId = '';
  const channelId = (): string => h.seed.channel.id;
  const detail = async (): Promise<ConnectorBody> =>
    (
      await callEndpoint(h.app, endpoints.connectors.get, {
        params: { channelId: channelId(), connectorId },
        headers,
      })
    ).json();
  const listed = async (): Promise<ConnectorBody | undefined> =>
    (await callEndpoint(h.app, endpoints.connectors.list, { params: { channelId: channelId() }, headers }))
      .json()
      .items.find((c) => c.id === connectorId);

  beforeAll(async () => {
    h = await createConnectorHarness();
    h.clock.set('2026-11-27T10:00:00.000Z');
    headers = await h.login('admin');
    const created = await callEndpoint(h.app, endpoints.connectors.create, {
      params: { channelId: channelId() },
      headers,
      body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    expect(created.statusCode).toBe(201);
    connectorId = created.json().id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('has no next sync before the first reviewed sync (issue 10), and says so', async () => {
    expect(await detail()).toMatchObject({ nextSyncAt: null, isAwaitingFirstReviewedSync: true });
    expect(await listed()).toMatchObject({ nextSyncAt: null, isAwaitingFirstReviewedSync: true });
    await armSchedule(h.db, connectorId, h.clock().toISOString());
    expect((await detail()).isAwaitingFirstReviewedSync).toBe(false);
  });

  it('shows the default schedule (06:00 UTC plus jitter) once started, with default settings', async () => {
    const expected = nextRunAt(
      { connectorId, isEnabled: true, localTime: '06:00', timeZone: 'UTC' },
      new Date('2026-11-27T10:00:00.000Z'),
    )?.toISOString();
    expect(expected?.startsWith('2026-11-28T06:')).toBe(true);
    expect((await detail()).nextSyncAt).toBe(expected);
    expect((await listed())?.nextSyncAt).toBe(expected);
  });

  it('follows the saved schedule, and is null when the schedule is off', async () => {
    const now = h.clock().toISOString();
    const policy = { ...defaultBillingPolicy, timeZone: 'Europe/Berlin' };
    await putSyncSettings(
      h.db,
      connectorId,
      { policy, isScheduleEnabled: true, scheduleTime: '23:30' },
      null,
      now,
    );
    const expected = nextRunAt(
      { connectorId, isEnabled: true, localTime: '23:30', timeZone: 'Europe/Berlin' },
      h.clock(),
    )?.toISOString();
    expect(expected?.startsWith('2026-11-27T22:')).toBe(true);
    const shown = await detail();
    expect(shown.nextSyncAt).toBe(expected);
    // Why then: 23:30 in Berlin (22:30 UTC in November) plus this connector's spread.
    expect(shown.schedule).toStrictEqual({
      localTime: '23:30',
      timeZone: 'Europe/Berlin',
      spreadMinutes: Math.round(scheduleJitterMs(connectorId) / 60_000),
    });
    const spreadMs = Date.parse(expected ?? '') - Date.parse('2026-11-27T22:30:00.000Z');
    expect(Math.round(spreadMs / 60_000)).toBe(shown.schedule?.spreadMinutes);

    await putSyncSettings(
      h.db,
      connectorId,
      { policy, isScheduleEnabled: false, scheduleTime: '23:30' },
      null,
      now,
    );
    expect(await detail()).toMatchObject({ nextSyncAt: null, schedule: null });
    expect(await listed()).toMatchObject({ nextSyncAt: null, schedule: null });
    await putSyncSettings(
      h.db,
      connectorId,
      { policy, isScheduleEnabled: true, scheduleTime: '23:30' },
      null,
      now,
    );
  });

  it('is null once the connector is disconnected', async () => {
    expect((await detail()).nextSyncAt).not.toBeNull();
    const response = await callEndpoint(h.app, endpoints.connectors.disconnect, {
      params: { channelId: channelId(), connectorId },
      headers,
      body: { confirm: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().nextSyncAt).toBeNull();
    expect((await listed())?.nextSyncAt).toBeNull();
  });
});
