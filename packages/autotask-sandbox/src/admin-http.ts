import type { Admin } from './admin.js';
import { AdminInputError } from './admin.js';
import type { FaultRule } from './faults.js';
import type { SeedOption } from './seeds/index.js';
import type { SandboxTenantOptions } from './types.js';

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

/** `/_sandbox/*`: the in-process admin over HTTP, unauthenticated JSON. */
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
  const normalized = path.replace(/\/+$/, '');
  // `/_sandbox/tenants/<id>/<op>`: the same operations, on that tenant alone.
  const scoped = /^\/_sandbox\/tenants\/([^/]+)(\/.+)$/i.exec(normalized);
  const route = `${method} ${(scoped ? `/_sandbox${scoped[2] ?? ''}` : normalized).toLowerCase()}`;
  try {
    if (scoped) {
      const id = decodeURIComponent(scoped[1] ?? '');
      if (!admin.hasTenant(id)) return { status: 404, body: { error: `no tenant ${id}` } };
      return dispatch(admin.tenant(id), route, query, body);
    }
    switch (route) {
      case 'POST /_sandbox/tenants':
        return { status: 200, body: admin.addTenant(asObject(body) as unknown as SandboxTenantOptions) };
      case 'GET /_sandbox/tenants':
        return { status: 200, body: admin.tenants() };
      default:
        return dispatch(admin, route, query, body);
    }
  } catch (error) {
    if (error instanceof AdminInputError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

function dispatch(admin: Admin, route: string, query: URLSearchParams, body: unknown): AdminResponse {
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
        admin.setClock(now ?? null);
        return { status: 200, body: { ok: true } };
      }
      case 'POST /_sandbox/zone-moves': {
        const username = asObject(body).username;
        if (username !== undefined && typeof username !== 'string')
          throw new AdminInputError('username must be a string');
        return { status: 200, body: admin.moveZone(username) };
      }
      case 'POST /_sandbox/api-users':
        admin.addApiUser(asObject(body) as unknown as Parameters<Admin['addApiUser']>[0]);
        return { status: 200, body: { ok: true } };
      case 'GET /_sandbox/adjustments':
        return { status: 200, body: admin.adjustments() };
      case 'GET /_sandbox/rejected-adjustments':
        return { status: 200, body: admin.rejectedAdjustments() };
      case 'GET /_sandbox/units': {
        const units = admin.unitsOn(
          Number(query.get('contractId')),
          Number(query.get('serviceId')),
          query.get('date') ?? '',
        );
        return { status: 200, body: { units } };
      }
      case 'GET /_sandbox/stats':
        return {
          status: 200,
          body: { ...admin.stats(), requestCount: admin.requestCount(), maxInFlight: admin.maxInFlight() },
        };
      default:
        return { status: 404, body: { error: `no admin route ${route}` } };
    }
  } catch (error) {
    if (error instanceof AdminInputError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
