import type { UsageMembers, UsageRecord } from '@coro/contracts';

/**
 * Parses a usage export: JSON (`[{workspaceId, serviceKey, day, devices, users, members?}]` or
 * `{records: [...]}`) or CSV with a header naming those columns (any order; CSV carries counts
 * only). Shape problems are reported per line; the repository validates ownership, catalog keys
 * and that members add up to the counts.
 */
export function parseUsageFile(
  fileName: string,
  text: string,
): { records: UsageRecord[]; problems: string[] } {
  return fileName.toLowerCase().endsWith('.json') ? parseJson(text) : parseCsv(text);
}

const columns = ['workspaceId', 'serviceKey', 'day', 'devices', 'users'] as const;

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

function toRecord(raw: Record<string, unknown>, where: string, problems: string[]): UsageRecord | null {
  const workspaceId = text(raw.workspaceId);
  const serviceKey = text(raw.serviceKey);
  const day = text(raw.day);
  const devices = Number(raw.devices);
  const users = Number(raw.users);
  const issues: string[] = [];
  if (workspaceId === '') issues.push('workspaceId is empty');
  if (!/^[a-z0-9_]+$/.test(serviceKey)) issues.push(`serviceKey "${serviceKey}" is not a catalog key`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) issues.push(`day "${day}" is not YYYY-MM-DD`);
  if (!Number.isInteger(devices) || devices < 0) issues.push('devices must be a whole number ≥ 0');
  if (!Number.isInteger(users) || users < 0) issues.push('users must be a whole number ≥ 0');
  const members = toMembers(raw.members, issues);
  if (issues.length > 0) {
    problems.push(`${where}: ${issues.join('; ')}`);
    return null;
  }
  return { workspaceId, serviceKey, day, devices, users, ...(members ? { members } : {}) };
}

function toMembers(value: unknown, issues: string[]): UsageMembers | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push('members must be an object {devices?: [...], users?: [...]}');
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const list = <T>(name: string, field: string, make: (id: string, other: string) => T): T[] | undefined => {
    const items = raw[name];
    if (items === undefined) return undefined;
    if (!Array.isArray(items)) {
      issues.push(`members.${name} must be an array`);
      return undefined;
    }
    const out: T[] = [];
    items.forEach((item: unknown, i) => {
      const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const id = text(entry.id);
      if (id === '') issues.push(`members.${name}[${i}].id is empty`);
      else out.push(make(id, text(entry[field])));
    });
    return out;
  };
  const devices = list('devices', 'name', (id, name) => ({ id, name }));
  const users = list('users', 'email', (id, email) => ({ id, email }));
  return { ...(devices ? { devices } : {}), ...(users ? { users } : {}) };
}

function parseJson(text: string): { records: UsageRecord[]; problems: string[] } {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { records: [], problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  const rows = Array.isArray(data) ? data : (data as { records?: unknown } | null)?.records;
  if (!Array.isArray(rows))
    return { records: [], problems: ['expected an array of records or {"records": [...]}'] };
  const records: UsageRecord[] = [];
  rows.forEach((row: unknown, index) => {
    if (typeof row !== 'object' || row === null) {
      problems.push(`record ${index}: not an object`);
      return;
    }
    const record = toRecord(row as Record<string, unknown>, `record ${index}`, problems);
    if (record) records.push(record);
  });
  return { records, problems };
}

function parseCsv(text: string): { records: UsageRecord[]; problems: string[] } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) return { records: [], problems: [`CSV header lacks: ${missing.join(', ')}`] };
  const problems: string[] = [];
  const records: UsageRecord[] = [];
  lines.forEach((line, index) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const raw = Object.fromEntries(header.map((name, i) => [name, cells[i]]));
    const record = toRecord(raw, `line ${index + 2}`, problems);
    if (record) records.push(record);
  });
  return { records, problems };
}
