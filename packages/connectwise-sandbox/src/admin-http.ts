import { AdminInputError, type Admin } from './admin.js';
import type { FaultRule } from './faults.js';
import type { SeedOption } from './seeds/index.js';

export interface AdminResponse {
  status: number;
  body: unknown;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AdminInputError('body must be a JSON object');
  return body as Record<string, unknown>;
}

/** `/_sandbox/*`: the in-process admin over HTTP, unauthenticated JSON; bad input → 400 `{error}`. */
export function handleAdminHttp(
  admin: Admin,
  method: string,
  path: string,
  query: URLSearchParams,
  bodyText: string,
): AdminResponse {
  let body: unknown;
  if (bodyText.trim() !== '') {
    try {
      body = JSON.parse(bodyText);
    } catch {
      return { status: 400, body: { error: 'body is not valid JSON' } };
    }
  }
  const route = `${method} ${path.toLowerCase().replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'POST /_sandbox/reset':
        admin.reset(asObject(body).seed as SeedOption | undefined);
        return { status: 200, body: { ok: true } };
      case 'PUT /_sandbox/faults': {
        const rules = asObject(body).rules;
        if (!Array.isArray(rules)) throw new AdminInputError('rules must be an array');
        admin.setFaults(rules as FaultRule[]);
        return { status: 200, body: { ok: true } };
      }
      case 'DELETE /_sandbox/faults':
        admin.clearFaults();
        return { status: 200, body: { ok: true } };
      case 'PUT /_sandbox/latency':
        admin.setLatency(asObject(body).fixedMs as number);
        return { status: 200, body: { ok: true } };
      case 'PUT /_sandbox/limits':
        admin.setLimits(asObject(body));
        return { status: 200, body: { ok: true } };
      case 'PUT /_sandbox/clock': {
        const now = asObject(body).now;
        if (now !== null && typeof now !== 'string')
          throw new AdminInputError('now must be an ISO-8601 string or null');
        admin.setClock(now);
        return { status: 200, body: { ok: true } };
      }
      case 'POST /_sandbox/tenants':
        admin.addTenant(asObject(body) as unknown as Parameters<Admin['addTenant']>[0]);
        return { status: 200, body: { ok: true } };
      case 'POST /_sandbox/api-members':
        admin.addApiMember(asObject(body) as unknown as Parameters<Admin['addApiMember']>[0]);
        return { status: 200, body: { ok: true } };
      case 'POST /_sandbox/client-ids':
        admin.addClientId(asObject(body).clientId as string);
        return { status: 200, body: { ok: true } };
      case 'GET /_sandbox/writes':
        return { status: 200, body: admin.writes(query.get('companyId') ?? undefined) };
      case 'GET /_sandbox/stats':
        return { status: 200, body: admin.stats() };
      default:
        return { status: 404, body: { error: `no admin route ${route}` } };
    }
  } catch (error) {
    if (error instanceof AdminInputError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
