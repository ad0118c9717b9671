import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Admin } from './admin.js';
import { handleAdminHttp } from './admin-http.js';
import { handleApi, pathTemplate, type ApiReply } from './api.js';
import { checkClientId, findMember, parseBasic } from './auth.js';
import { CwError } from './cw-error.js';
import type { FaultRule } from './faults.js';
import { minuteMs, type SandboxState, type Tenant } from './state.js';
import type { SelfSignedCertificate } from './tls.js';

const maxBodyBytes = 5 * 1024 * 1024;
/** The guide: keep URLs under 2,000 characters. */
const maxUrlLength = 2000;
/** A `timeout` fault never holds a request longer than this. */
const maxHoldMs = 60_000;
const apiPrefix = /^\/([A-Za-z0-9_.]+\/)apis\/3\.0\/(.*)$/i;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-cache',
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

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The 429 the guide shows (its body uses `error`, not `code`), with Retry-After in seconds. */
function tooMany(seconds: number): { body: unknown; headers: Record<string, string> } {
  return {
    body: { error: 'ConnectWiseAPI', message: `Too many requests. Please try again in ${seconds} seconds.` },
    headers: { 'retry-after': String(seconds) },
  };
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
    private readonly scheme: 'http' | 'https',
  ) {}

  /** Answers (or deliberately does not answer) a request hit by an injected fault. */
  private applyFault(
    rule: FaultRule,
    req: IncomingMessage,
    res: ServerResponse,
    tenant: Tenant | undefined,
  ): void {
    switch (rule.kind) {
      case '429': {
        if (tenant) tenant.stats.rejected429 += 1;
        const reply = tooMany(rule.retryAfterSeconds ?? this.state.limits.retryAfterSeconds);
        send(res, 429, reply.body, reply.headers);
        return;
      }
      case '500':
      case '502':
      case '503':
      case '504': {
        const headers: Record<string, string> =
          rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
        send(
          res,
          Number(rule.kind),
          { code: 'UnexpectedError', message: `Injected fault: HTTP ${rule.kind}.`, errors: null },
          headers,
        );
        return;
      }
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
      case 'delay':
        // Handled by the callers: they sleep, then answer normally.
        return;
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const bodyText = await readBody(req);
    if (bodyText === null) {
      send(res, 413, { code: 'InvalidObject', message: 'The request body is too large.', errors: null });
      return;
    }
    if (url.pathname.toLowerCase().startsWith('/_sandbox/')) {
      const reply = handleAdminHttp(this.admin, method, url.pathname, url.searchParams, bodyText);
      send(res, reply.status, reply.body);
      return;
    }
    const discovery = /^\/login\/companyinfo\/([^/]+)\/?$/i.exec(url.pathname);
    if (discovery) {
      let companyId: string;
      try {
        companyId = decodeURIComponent(discovery[1] ?? '');
      } catch {
        companyId = discovery[1] ?? '';
      }
      await this.companyInfo(req, res, method, companyId);
      return;
    }
    const api = apiPrefix.exec(url.pathname);
    if (!api) {
      send(res, 404, { code: 'NotFound', message: `No resource matches '${url.pathname}'.`, errors: null });
      return;
    }
    await this.api(req, res, method, api[1] ?? '', api[2] ?? '', url, bodyText);
  }

  private origin(req: IncomingMessage): string {
    return `${this.scheme}://${header(req, 'host') ?? 'localhost'}`;
  }

  /** Codebase discovery: no auth; an unknown company answers 200 with `null`. */
  private async companyInfo(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    companyId: string,
  ): Promise<void> {
    const tenant = this.state.tenant(companyId);
    const fault = this.state.faults.take('login/companyinfo', method, companyId);
    if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 0);
    else if (fault) {
      this.applyFault(fault, req, res, tenant);
      return;
    }
    if (method !== 'GET') {
      send(res, 405, {
        code: 'MethodNotAllowed',
        message: `The requested resource does not support http method '${method}'.`,
        errors: null,
      });
      return;
    }
    if (!tenant) {
      send(res, 200, null);
      return;
    }
    const codebase = this.state.codebase;
    send(res, 200, {
      CompanyName: tenant.companyName,
      Codebase: codebase,
      VersionCode: 'v2025.1',
      VersionNumber: 'v4.6.2025.1',
      CompanyID: tenant.companyId,
      IsCloud: true,
      SiteUrl: header(req, 'host') ?? 'localhost',
      AllowedOrigins: '*',
    });
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    codebase: string,
    path: string,
    url: URL,
    bodyText: string,
  ): Promise<void> {
    const state = this.state;
    const requestId = randomUUID();
    const baseHeaders = { 'x-cw-request-id': requestId, 'api-current-version': '2025.1' };
    let tenant: Tenant | undefined;
    try {
      if ((req.url ?? '').length > maxUrlLength)
        throw new CwError(414, 'InvalidObject', `The request URL is longer than ${maxUrlLength} characters.`);
      // The gateway refuses calls without a registered clientId before it looks at credentials.
      checkClientId(header(req, 'clientid'), state.clientIds);
      const credentials = parseBasic(header(req, 'authorization'));
      tenant = state.tenant(credentials.companyId);
      const member = findMember(credentials, tenant?.members);
      if (!tenant) throw new Error('unreachable: a member without a tenant');
      const nowMs = state.now();
      tenant.stats.requests += 1;
      const key = `${method} ${pathTemplate(path)}`;
      tenant.stats.byPath[key] = (tenant.stats.byPath[key] ?? 0) + 1;
      const fault = state.faults.take(path, method, tenant.companyId);
      if (fault && fault.kind !== 'commit-then-drop' && fault.kind !== 'delay') {
        this.applyFault(fault, req, res, tenant);
        return;
      }
      tenant.recent = tenant.recent.filter((t) => t > nowMs - minuteMs);
      if (tenant.recent.length >= state.limits.requestsPerMinute) {
        tenant.stats.rejected429 += 1;
        const reply = tooMany(state.limits.retryAfterSeconds);
        send(res, 429, reply.body, { ...baseHeaders, ...reply.headers });
        return;
      }
      tenant.recent.push(nowMs);
      await sleep(state.limits.latencyMs + (fault?.kind === 'delay' ? (fault.delayMs ?? 0) : 0));
      const reply: ApiReply = handleApi({
        tenant,
        member,
        method,
        path,
        search: url.searchParams,
        headers: new Headers(
          Object.entries(req.headers).flatMap(([k, v]): [string, string][] =>
            v === undefined ? [] : [[k, String(v)]],
          ),
        ),
        bodyText,
        apiBase: `${this.origin(req)}/${codebase}apis/3.0`,
        nowMs,
      });
      if (fault?.kind === 'commit-then-drop') {
        req.socket.destroy();
        return;
      }
      send(res, reply.status, reply.body, { ...baseHeaders, ...reply.headers });
    } catch (error) {
      if (error instanceof CwError) {
        send(res, error.status, error.body(), { ...baseHeaders, ...error.headers });
        return;
      }
      process.stderr.write(
        `connectwise-sandbox: unexpected error: ${(error as Error).stack ?? String(error)}\n`,
      );
      send(
        res,
        500,
        { code: 'UnexpectedError', message: 'An unexpected error occurred.', errors: null },
        baseHeaders,
      );
    }
  }

  listen(host: string, port: number, certificate: SelfSignedCertificate | null): Promise<RunningServer> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((error: unknown) => {
        process.stderr.write(`connectwise-sandbox: ${(error as Error).stack ?? String(error)}\n`);
        send(res, 500, { code: 'UnexpectedError', message: 'Internal sandbox error.', errors: null });
      });
    };
    const server: Server = certificate
      ? createHttpsServer({ cert: certificate.cert, key: certificate.key }, handler)
      : createHttpServer(handler);
    server.keepAliveTimeout = 5_000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address() as AddressInfo;
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
