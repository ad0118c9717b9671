import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Admin } from './admin.js';
import { handleAdminHttp } from './admin-http.js';
import { handleApi, methodNotAllowed, type ApiResponse } from './api/handlers.js';
import { authenticate, zoneNotDetermined } from './auth.js';
import type { Verb } from './entities/entity-types.js';
import { zoneInformationEntity, type FaultRule } from './faults.js';
import { thresholdMessage, threadMessage, usageLatencyMs } from './limits.js';
import { ApiError } from './api-error.js';
import { parseRoute, zonePrefix, type Route } from './router.js';
import type { SandboxState } from './state.js';
import type { TenantState } from './tenant.js';

const verbs: readonly string[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const maxBodyBytes = 5 * 1024 * 1024;
/** IIS's default maxQueryString: longer GET queries (e.g. a big `search=`) answer 404.15, seen as a 404. */
const maxQueryStringLength = 2048;
/** A `timeout` fault never holds a request longer than this. */
const maxHoldMs = 60_000;

type ReplyBody = unknown;

function send(
  res: ServerResponse,
  status: number,
  body: ReplyBody,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBodyBytes ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export class SandboxServer {
  private readonly holds = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SandboxState,
    private readonly admin: Admin,
  ) {}

  private origin(req: IncomingMessage, fallback: string): string {
    return req.headers.host ? `http://${req.headers.host}` : fallback;
  }

  /** Answers (or deliberately does not answer) a request hit by an injected fault. */
  private applyFault(tenant: TenantState, rule: FaultRule, req: IncomingMessage, res: ServerResponse): void {
    const headers: Record<string, string> = {};
    if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
    switch (rule.kind) {
      case '429':
        tenant.stats.rejected429 += 1;
        send(res, 429, { errors: ['Injected fault: too many requests.'] }, headers);
        return;
      case '500':
        send(res, 500, { errors: ['Injected fault: internal server error.'] }, headers);
        return;
      case '502':
      case '503':
      case '504':
        send(res, Number(rule.kind), { errors: [`Injected fault: HTTP ${rule.kind}.`] }, headers);
        return;
      case 'timeout': {
        const timer = setTimeout(() => {
          this.holds.delete(timer);
          req.socket.destroy();
        }, maxHoldMs);
        this.holds.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          this.holds.delete(timer);
        });
        return;
      }
      case 'reset':
      case 'commit-then-drop':
        req.socket.destroy();
        return;
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, fallbackOrigin: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const bodyText = await readBody(req);
    if (bodyText === null) {
      send(res, 413, { errors: ['The request body is too large.'] });
      return;
    }
    if (url.pathname.toLowerCase().startsWith('/_sandbox/')) {
      const reply = handleAdminHttp(this.admin, method, url.pathname, url.searchParams, bodyText);
      send(res, reply.status, reply.body);
      return;
    }
    const origin = this.origin(req, fallbackOrigin);
    if (url.search.length - 1 > maxQueryStringLength) {
      send(res, 404, {
        Message:
          'The request filtering module is configured to deny a request where the query string is too long.',
      });
      return;
    }
    const route = parseRoute(url.pathname);
    switch (route.kind) {
      case 'notFound':
        send(res, 404, {
          Message: `No HTTP resource was found that matches the request URI '${origin}${url.pathname}'.`,
        });
        return;
      case 'versionInformation':
        if (method !== 'GET') send(res, 405, methodNotAllowed(method).body);
        else send(res, 200, { apiVersions: ['V1.0'] });
        return;
      case 'zoneInformation':
        this.zoneInformation(req, res, url, method, origin);
        return;
      case 'thresholdInformation':
      case 'api':
        await this.api(req, res, route, url, method, bodyText, origin);
        return;
    }
  }

  private zoneInformation(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    origin: string,
  ): void {
    // Faults on discovery are the sandbox's (the default tenant's): no tenant is known before it.
    const fault = this.state.defaultTenant.faults.take(zoneInformationEntity, method);
    if (fault) {
      this.applyFault(this.state.defaultTenant, fault, req, res);
      return;
    }
    if (method !== 'GET') {
      send(res, 405, methodNotAllowed(method).body);
      return;
    }
    const tenant = this.state.tenantOfUser(url.searchParams.get('user') ?? '');
    if (!tenant) {
      send(res, 500, { errors: [zoneNotDetermined] });
      return;
    }
    const zone = tenant.zone;
    send(res, 200, {
      zoneName: zone === 1 ? 'America East' : `Sandbox Zone ${zone}`,
      url: `${origin}${zonePrefix(zone)}`,
      webUrl: `${origin}/`,
      ci: tenant.ci,
    });
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { kind: 'api' | 'thresholdInformation' }>,
    url: URL,
    method: string,
    bodyText: string,
    origin: string,
  ): Promise<void> {
    const state = this.state;
    const entityName = route.kind === 'api' ? route.entity.name : 'ThresholdInformation';
    // The user name says which tenant database is called (an unknown one fails auth on the default).
    const username = req.headers.username;
    const tenant =
      (typeof username === 'string' ? state.tenantOfUser(username) : undefined) ?? state.defaultTenant;
    tenant.countRequest(entityName);
    const auth = authenticate(req.headers, route.zone, tenant.zone, (u) => tenant.findUser(u));
    if (!auth.ok) {
      send(res, auth.status, auth.errors === null ? undefined : { errors: auth.errors });
      return;
    }
    // Taken only once the request is authenticated: a request refused at the door (e.g. a 401 from
    // a zone the tenant left) must not use up a count-limited fault meant for a real call.
    const fault = tenant.faults.take(entityName, method);
    if (fault && fault.kind !== 'commit-then-drop') {
      this.applyFault(tenant, fault, req, res);
      return;
    }
    const release = tenant.threads.tryAcquire(
      `${auth.user.integrationCode}|${entityName.toLowerCase()}`,
      tenant.limits.threadLimit,
    );
    if (!release) {
      tenant.stats.rejected429 += 1;
      send(res, 429, { errors: [threadMessage(tenant.limits.threadLimit)] });
      return;
    }
    try {
      const { hourlyThreshold, latencyMs, latencyTierScale } = tenant.limits;
      if (tenant.counter.count(state.now()) >= hourlyThreshold) {
        tenant.stats.rejected429 += 1;
        send(res, 429, { errors: [thresholdMessage(hourlyThreshold)] });
        return;
      }
      const used = tenant.counter.add(state.now());
      await sleep(latencyMs + usageLatencyMs(used, hourlyThreshold, latencyTierScale));
      const reply = this.dispatch(tenant, route, auth, url, method, bodyText, origin);
      if (fault?.kind === 'commit-then-drop') {
        req.socket.destroy();
        return;
      }
      send(res, reply.status, reply.body);
    } finally {
      release();
    }
  }

  private dispatch(
    tenant: TenantState,
    route: Extract<Route, { kind: 'api' | 'thresholdInformation' }>,
    auth: Extract<ReturnType<typeof authenticate>, { ok: true }>,
    url: URL,
    method: string,
    bodyText: string,
    origin: string,
  ): ApiResponse {
    const state = this.state;
    if (route.kind === 'thresholdInformation') {
      if (method !== 'GET') return methodNotAllowed(method);
      return {
        status: 200,
        body: {
          externalRequestThreshold: tenant.limits.hourlyThreshold,
          requestThresholdTimeframe: 60,
          currentTimeframeRequestCount: tenant.counter.count(state.now()),
        },
      };
    }
    if (!verbs.includes(method)) return methodNotAllowed(method);
    try {
      const impersonated = auth.impersonationResourceId;
      if (impersonated !== null) {
        const resource = tenant.db.get('Resources', impersonated);
        if (!resource || resource.isActive === false) {
          throw new ApiError(
            `ImpersonationResourceId ${impersonated} does not reference an active resource.`,
          );
        }
      }
      return handleApi({
        method: method as Verb,
        entity: route.entity,
        action: route.action,
        allowed: route.allowed,
        searchParams: url.searchParams,
        bodyText,
        apiBase: `${origin}${zonePrefix(route.zone)}V1.0/`,
        isReadOnlyUser: auth.user.isReadOnly,
        ctx: {
          db: tenant.db,
          timeZone: state.timeZone,
          nowMs: state.now(),
          actingResourceId: impersonated ?? auth.user.resourceId,
          impersonatorResourceId: impersonated === null ? null : auth.user.resourceId,
        },
      });
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, body: { errors: [error.message] } };
      process.stderr.write(
        `autotask-sandbox: unexpected error: ${(error as Error).stack ?? String(error)}\n`,
      );
      return { status: 500, body: { errors: ['Object reference not set to an instance of an object.'] } };
    }
  }

  listen(host: string, port: number): Promise<RunningServer> {
    let fallbackOrigin = `http://${host}:${port}`;
    const server = createServer((req, res) => {
      this.handle(req, res, fallbackOrigin).catch((error: unknown) => {
        process.stderr.write(`autotask-sandbox: ${(error as Error).stack ?? String(error)}\n`);
        send(res, 500, { errors: ['Internal sandbox error.'] });
      });
    });
    server.keepAliveTimeout = 5_000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address() as AddressInfo;
        fallbackOrigin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
        resolve({
          server,
          port: address.port,
          close: () =>
            new Promise<void>((done) => {
              for (const timer of this.holds) clearTimeout(timer);
              this.holds.clear();
              server.close(() => done());
              server.closeAllConnections();
            }),
        });
      });
    });
  }
}
