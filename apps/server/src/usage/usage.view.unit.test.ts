import { describe, expect, it } from 'vitest';

import { everyServiceOfDay, everyServiceSeries } from './usage.view.js';

const catalog = ['endpoint_security', 'edr', 'email_security'];

describe('everyServiceOfDay', () => {
  it('gives each reporting workspace every service, 0 where its report left one out', () => {
    const rows = [
      { workspaceId: 'b', serviceKey: 'edr', devices: 4, users: 1 },
      { workspaceId: 'a', serviceKey: 'email_security', devices: 0, users: 9 },
    ];
    expect(everyServiceOfDay(rows, catalog)).toStrictEqual([
      { workspaceId: 'b', serviceKey: 'endpoint_security', devices: 0, users: 0 },
      { workspaceId: 'b', serviceKey: 'edr', devices: 4, users: 1 },
      { workspaceId: 'b', serviceKey: 'email_security', devices: 0, users: 0 },
      { workspaceId: 'a', serviceKey: 'endpoint_security', devices: 0, users: 0 },
      { workspaceId: 'a', serviceKey: 'edr', devices: 0, users: 0 },
      { workspaceId: 'a', serviceKey: 'email_security', devices: 0, users: 9 },
    ]);
  });

  it('keeps a stored key the catalog no longer lists, after the catalog', () => {
    const rows = [{ workspaceId: 'a', serviceKey: 'retired', devices: 2, users: 0 }];
    expect(everyServiceOfDay(rows, ['edr']).map((r) => r.serviceKey)).toStrictEqual(['edr', 'retired']);
  });

  it('answers nothing for a day nobody reported', () => {
    expect(everyServiceOfDay([], catalog)).toStrictEqual([]);
  });
});

describe('everyServiceSeries', () => {
  const stored = [
    { serviceKey: 'edr', points: [{ day: '2026-11-02', devices: 3, users: 0 }] },
    {
      serviceKey: 'endpoint_security',
      points: [
        { day: '2026-11-01', devices: 5, users: 0 },
        { day: '2026-11-02', devices: 6, users: 0 },
      ],
    },
  ];

  it('answers every catalog service on every reported day when none is asked for', () => {
    expect(everyServiceSeries(stored, catalog, undefined)).toStrictEqual([
      {
        serviceKey: 'endpoint_security',
        points: [
          { day: '2026-11-01', devices: 5, users: 0 },
          { day: '2026-11-02', devices: 6, users: 0 },
        ],
      },
      {
        serviceKey: 'edr',
        points: [
          { day: '2026-11-01', devices: 0, users: 0 },
          { day: '2026-11-02', devices: 3, users: 0 },
        ],
      },
      {
        serviceKey: 'email_security',
        points: [
          { day: '2026-11-01', devices: 0, users: 0 },
          { day: '2026-11-02', devices: 0, users: 0 },
        ],
      },
    ]);
  });

  it('answers only the asked services, once each, in the order asked', () => {
    const series = everyServiceSeries(stored, catalog, ['email_security', 'edr', 'email_security']);
    expect(series.map((s) => s.serviceKey)).toStrictEqual(['email_security', 'edr']);
    expect(series[1]?.points.map((p) => p.devices)).toStrictEqual([0, 3]);
  });

  it('answers empty series when the workspace reported nothing in the range', () => {
    expect(everyServiceSeries([], catalog, ['edr'])).toStrictEqual([{ serviceKey: 'edr', points: [] }]);
  });
});
