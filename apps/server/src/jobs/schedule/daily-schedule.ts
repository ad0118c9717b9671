import { Cron } from 'croner';
import { createHash } from 'node:crypto';

/** When a connector syncs by itself: once a day at `localTime` in `timeZone`, plus its jitter. */
export interface ConnectorSchedule {
  readonly connectorId: string;
  readonly isEnabled: boolean;
  /** HH:MM, 24-hour, in `timeZone`. */
  readonly localTime: string;
  /** IANA zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
}

/** Daily runs spread over this window after the chosen time, so 03:00 is not one burst on the PSA. */
export const DEFAULT_JITTER_WINDOW_MS = 30 * 60_000;

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Deterministic per-connector offset in whole seconds within `windowMs`: the same connector always
 * runs at the same minute, and connectors sharing a time spread out (trigger.dev's distributed
 * scheduling). `hash(connectorId) % window`.
 */
export function scheduleJitterMs(connectorId: string, windowMs: number = DEFAULT_JITTER_WINDOW_MS): number {
  const windowSeconds = Math.floor(windowMs / 1000);
  if (windowSeconds <= 0) return 0;
  const hash = createHash('sha256').update(connectorId).digest().readUInt32BE(0);
  return (hash % windowSeconds) * 1000;
}

function dailyCron(schedule: ConnectorSchedule): Cron | null {
  const match = LOCAL_TIME.exec(schedule.localTime);
  if (!schedule.isEnabled || !match) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: schedule.timeZone });
    // croner resolves DST: a time inside the spring-forward gap runs at the end of the gap, and a
    // time repeated by the autumn fall-back runs once, at its first occurrence.
    return new Cron(`${Number(match[2])} ${Number(match[1])} * * *`, {
      timezone: schedule.timeZone,
      paused: true,
    });
  } catch {
    return null;
  }
}

/**
 * The next automatic run after `now` (the connector list's "next sync" column), or null when the
 * schedule is off or invalid. Pure.
 *
 * @example nextRunAt({ connectorId, isEnabled: true, localTime: '03:00', timeZone: 'Europe/Berlin' }, new Date())
 */
export function nextRunAt(
  schedule: ConnectorSchedule,
  now: Date,
  windowMs: number = DEFAULT_JITTER_WINDOW_MS,
): Date | null {
  const cron = dailyCron(schedule);
  if (!cron) return null;
  const jitterMs = scheduleJitterMs(schedule.connectorId, windowMs);
  const occurrence = cron.nextRun(new Date(now.getTime() - jitterMs));
  return occurrence ? new Date(occurrence.getTime() + jitterMs) : null;
}

/** The latest automatic run at or before `now` (what the fan-out compares with its mark). Pure. */
export function latestDueAt(
  schedule: ConnectorSchedule,
  now: Date,
  windowMs: number = DEFAULT_JITTER_WINDOW_MS,
): Date | null {
  const cron = dailyCron(schedule);
  if (!cron) return null;
  const jitterMs = scheduleJitterMs(schedule.connectorId, windowMs);
  const [occurrence] = cron.previousRuns(1, new Date(now.getTime() - jitterMs + 1));
  return occurrence ? new Date(occurrence.getTime() + jitterMs) : null;
}

/**
 * Which connectors the fan-out enqueues now: due (latest run ≤ now), not yet fanned out for that run
 * (`marks` holds the last fanned-out run per connector, ISO), and not older than `catchUpMs`: after
 * downtime the missed run of today still happens, a new connector does not sync at once for a time
 * long past. Pure.
 */
export function dueConnectors(
  schedules: readonly ConnectorSchedule[],
  marks: ReadonlyMap<string, string>,
  now: Date,
  options: { windowMs?: number; catchUpMs?: number } = {},
): { connectorId: string; dueAt: Date }[] {
  const catchUpMs = options.catchUpMs ?? 6 * 3_600_000;
  const due: { connectorId: string; dueAt: Date }[] = [];
  for (const schedule of schedules) {
    const dueAt = latestDueAt(schedule, now, options.windowMs);
    if (!dueAt || now.getTime() - dueAt.getTime() > catchUpMs) continue;
    const mark = marks.get(schedule.connectorId);
    if (mark !== undefined && mark >= dueAt.toISOString()) continue;
    due.push({ connectorId: schedule.connectorId, dueAt });
  }
  return due;
}
