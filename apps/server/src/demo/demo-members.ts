import type { UsageRecord } from '@coro/contracts';

import { catalogSeed } from '../catalog/catalog.seed.js';

const userBased = new Set(catalogSeed.filter((s) => s.billingBasis === 'users').map((s) => s.key));
const slug = (name: string): string =>
  name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '')
    .slice(0, 6);
const emailDomain = (name: string): string => `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`;
const firstNames = ['ann', 'bo', 'chen', 'dev', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jun', 'kai', 'lena'];

/**
 * Demo members behind each count, so the drill-down and the reconciliation have content: the
 * first N of a stable per-company list (devices for device-billed services, users for
 * user-billed ones). When a count grows the next device joins; when it shrinks the last one leaves.
 */
export function withDemoMembers(records: readonly UsageRecord[], companyName: string): UsageRecord[] {
  const prefix = slug(companyName);
  const domain = emailDomain(companyName);
  return records.map((r) => {
    if (userBased.has(r.serviceKey)) {
      const users = Array.from({ length: r.users }, (_, i) => ({
        id: `${prefix}-U${String(i + 1).padStart(4, '0')}`,
        email: `${firstNames[i % firstNames.length] ?? 'user'}${i + 1}@${domain}`,
      }));
      return { ...r, members: { users } };
    }
    const devices = Array.from({ length: r.devices }, (_, i) => ({
      id: `${prefix}-D${String(i + 1).padStart(4, '0')}`,
      name: `${prefix}-${i % 5 === 4 ? 'SRV' : 'LT'}-${String(i + 1).padStart(3, '0')}`,
    }));
    return { ...r, members: { devices } };
  });
}
