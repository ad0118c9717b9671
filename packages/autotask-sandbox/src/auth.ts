import type { IncomingHttpHeaders } from 'node:http';

export interface ApiUserRecord {
  username: string;
  secret: string;
  integrationCode: string;
  isReadOnly: boolean;
  resourceId: number;
}

export type AuthResult =
  | { ok: true; user: ApiUserRecord; impersonationResourceId: number | null }
  | { ok: false; status: number; errors: string[] | null };

export const zoneNotDetermined = 'Zone information could not be determined';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  // Node lower-cases incoming header names, which gives the API's case-insensitive matching for free.
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Failure modes as observed on the real API: unknown user → 500 zone message, wrong secret → 401 with
 * an opaque body, bad tracking identifier → 500 "IntegrationCode is invalid.", and a user calling a zone
 * its tenant no longer lives in → 401.
 */
export function authenticate(
  headers: IncomingHttpHeaders,
  requestZone: number,
  tenantZone: number,
  findUser: (username: string) => ApiUserRecord | undefined,
): AuthResult {
  const username = header(headers, 'UserName');
  const secret = header(headers, 'Secret');
  if (username === undefined || username === '') return { ok: false, status: 401, errors: null };
  const user = findUser(username);
  if (!user) return { ok: false, status: 500, errors: [zoneNotDetermined] };
  if (requestZone !== tenantZone) return { ok: false, status: 401, errors: null };
  if (secret !== user.secret) return { ok: false, status: 401, errors: null };
  if (header(headers, 'ApiIntegrationCode') !== user.integrationCode) {
    return { ok: false, status: 500, errors: ['IntegrationCode is invalid.'] };
  }
  const impersonation = header(headers, 'ImpersonationResourceId');
  if (impersonation === undefined || impersonation === '')
    return { ok: true, user, impersonationResourceId: null };
  const id = Number(impersonation);
  if (!Number.isInteger(id))
    return { ok: false, status: 500, errors: ['ImpersonationResourceId is invalid.'] };
  return { ok: true, user, impersonationResourceId: id };
}
