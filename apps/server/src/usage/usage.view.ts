import type { UsagePoint } from '@coro/contracts';

// The usage API answers every service (issue 9 item 10): a client must not have to guess that a
// missing service means 0. A workspace absent from a day, or a day absent from a series, still
// means "no report" — Coro sends whole-workspace reports, so within one a missing service is 0.

export interface DayRow {
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly devices: number;
  readonly users: number;
}

/** Every workspace that reported on the day × every service (catalog order, then any other key). */
export function everyServiceOfDay(rows: readonly DayRow[], serviceKeys: readonly string[]): DayRow[] {
  const byWorkspace = new Map<string, Map<string, DayRow>>();
  for (const row of rows) {
    const services = byWorkspace.get(row.workspaceId) ?? new Map<string, DayRow>();
    services.set(row.serviceKey, row);
    byWorkspace.set(row.workspaceId, services);
  }
  const result: DayRow[] = [];
  for (const [workspaceId, services] of byWorkspace) {
    for (const serviceKey of keysInOrder(serviceKeys, services.keys())) {
      const row = services.get(serviceKey);
      result.push(row ?? { workspaceId, serviceKey, devices: 0, users: 0 });
    }
  }
  return result;
}

export interface ServiceSeries {
  readonly serviceKey: string;
  readonly points: UsagePoint[];
}

/**
 * One series per wanted service (all services when none is named), each with a point on every
 * day the workspace reported anything in the range: 0 for a service that day's report left out.
 */
export function everyServiceSeries(
  series: readonly ServiceSeries[],
  serviceKeys: readonly string[],
  requestedKeys: readonly string[] | undefined,
): ServiceSeries[] {
  const wanted = requestedKeys !== undefined && requestedKeys.length > 0 ? requestedKeys : null;
  const byService = new Map(series.map((s) => [s.serviceKey, s.points]));
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const keys = wanted === null ? keysInOrder(serviceKeys, byService.keys()) : [...new Set(wanted)];
  return keys.map((serviceKey) => {
    const byDay = new Map((byService.get(serviceKey) ?? []).map((p) => [p.day, p]));
    return { serviceKey, points: days.map((day) => byDay.get(day) ?? { day, devices: 0, users: 0 }) };
  });
}

function keysInOrder(catalog: readonly string[], present: Iterable<string>): string[] {
  const extra = [...present].filter((key) => !catalog.includes(key)).sort();
  return [...catalog, ...extra];
}
