/**
 * The wire to one ConnectWise PSA tenant: codebase discovery, Basic auth + clientId + versioned
 * Accept on every call, forward paging by `Link` headers, and the retry discipline of
 * `connectwise.retry.ts`. Knows nothing of the port's concepts (that is the provider's job).
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { PsaCallEvent, PsaResult } from '../../psa/psa-provider.port.js';
import { err, ok } from '../../psa/psa-provider.port.js';
import { parseRetryAfterMs } from '../../lib/backoff.js';
import { classifyCwFailure, type CwFailure } from './connectwise.errors.js';
import { decideCwRetry, type CwRetryPolicy } from './connectwise.retry.js';

/** Pinned model version: the fields we read are stable since 2019; pinning keeps them so on upgrade. */
export const cwAcceptHeader = 'application/vnd.connectwise.com+json; version=2025.1';
export const cwMaxPageSize = 1000;

export interface CwLogin {
  readonly site: string;
  readonly companyId: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly clientId: string;
}

export interface CwClientOptions extends CwRetryPolicy {
  readonly requestTimeoutMs: number;
  /** PEM of extra CAs to trust (tests: the sandbox's self-signed certificate). */
  readonly ca?: string;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onCall?: (event: PsaCallEvent) => void;
}

export interface CwCall {
  readonly entity: string;
  readonly method: 'GET' | 'PATCH' | 'POST';
  /** Path after `apis/3.0/`, with its query string. */
  readonly path: string;
  readonly body?: unknown;
  readonly isIdempotent: boolean;
}

interface CwResponse {
  readonly body: unknown;
  readonly link: string | null;
}

export class CwClient {
  readonly #login: CwLogin;
  readonly #options: CwClientOptions;
  readonly #dispatcher: Dispatcher;
  #codebase: string | null = null;
  #requestCount = 0;

  constructor(login: CwLogin, options: CwClientOptions) {
    this.#login = login;
    this.#options = options;
    this.#dispatcher = new Agent({
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      ...(options.ca === undefined ? {} : { connect: { ca: options.ca } }),
    });
  }

  get requestCount(): number {
    return this.#requestCount;
  }

  /** `GET /login/companyinfo/{companyId}` (no auth): the codebase, or `zone_unknown` for `null`. */
  async discover(): Promise<PsaResult<{ codebase: string; companyName: string; companyId: string }>> {
    const url = `https://${this.#login.site}/login/companyinfo/${encodeURIComponent(this.#login.companyId)}`;
    const answer = await this.#send('discovery', 'companyinfo', 'GET', url, undefined, true, false);
    if (!answer.ok) return answer;
    const info = answer.value.body as Record<string, unknown> | null;
    if (info === null || typeof info !== 'object') return err(classifyCwFailure({ kind: 'company_unknown' }));
    const codebase =
      typeof info.Codebase === 'string' && /^[A-Za-z0-9_.]+\/$/.test(info.Codebase) ? info.Codebase : null;
    if (codebase === null)
      return err(classifyCwFailure({ kind: 'garbage', what: 'companyinfo without Codebase' }));
    this.#codebase = codebase;
    return ok({
      codebase,
      companyName: typeof info.CompanyName === 'string' ? info.CompanyName : '',
      companyId: typeof info.CompanyID === 'string' ? info.CompanyID : this.#login.companyId,
    });
  }

  async call(call: CwCall): Promise<PsaResult<unknown>> {
    const answer = await this.#api(call);
    return answer.ok ? ok(answer.value.body) : answer;
  }

  /** Every page of a list (forward through `Link: rel="next"`), as arrays. */
  async *pages(entity: string, path: string): AsyncIterable<PsaResult<readonly Record<string, unknown>[]>> {
    let next: string | null = path;
    while (next !== null) {
      const answer = await this.#api({ entity, method: 'GET', path: next, isIdempotent: true });
      if (!answer.ok) {
        yield answer;
        return;
      }
      if (!Array.isArray(answer.value.body)) {
        yield err(classifyCwFailure({ kind: 'garbage', what: `${entity}: not a list` }));
        return;
      }
      yield ok(answer.value.body as Record<string, unknown>[]);
      next = nextPath(answer.value.link);
    }
  }

  close(): void {
    void this.#dispatcher.close();
  }

  async #api(call: CwCall): Promise<PsaResult<CwResponse>> {
    if (this.#codebase === null) {
      const found = await this.discover();
      if (!found.ok) return found;
    }
    const url = `https://${this.#login.site}/${this.#codebase ?? ''}apis/3.0/${call.path}`;
    return this.#send(
      call.method === 'GET' ? 'read' : 'write',
      call.entity,
      call.method,
      url,
      call.body,
      call.isIdempotent,
      true,
    );
  }

  async #send(
    kind: PsaCallEvent['kind'],
    entity: string,
    method: CwCall['method'],
    url: string,
    body: unknown,
    isIdempotent: boolean,
    isAuthenticated: boolean,
  ): Promise<PsaResult<CwResponse>> {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const outcome = await this.#once(method, url, body, isAuthenticated);
      const durationMs = Date.now() - started;
      const base = { kind, entity, endpoint: entity, method, durationMs, attempt };
      if (outcome.ok) {
        this.#options.onCall?.({ ...base, status: outcome.status, outcome: 'ok' });
        return ok(outcome.response);
      }
      const decision = decideCwRetry(
        outcome.failure,
        { attempt, isIdempotent, random: this.#options.random },
        this.#options,
      );
      this.#options.onCall?.({
        ...base,
        status: outcome.failure.kind === 'status' ? outcome.failure.status : null,
        outcome: decision.retry ? 'retry' : 'error',
        reason: decision.reason,
      });
      if (!decision.retry) return err(classifyCwFailure(outcome.failure));
      await this.#options.sleep(decision.waitMs);
    }
  }

  async #once(
    method: CwCall['method'],
    url: string,
    body: unknown,
    isAuthenticated: boolean,
  ): Promise<{ ok: true; status: number; response: CwResponse } | { ok: false; failure: CwFailure }> {
    const headers: Record<string, string> = { accept: cwAcceptHeader, clientid: this.#login.clientId };
    if (isAuthenticated) {
      const user = `${this.#login.companyId}+${this.#login.publicKey}:${this.#login.privateKey}`;
      headers.authorization = `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
      this.#requestCount++;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    let isSent = false;
    try {
      const res = await request(url, {
        method,
        headers,
        dispatcher: this.#dispatcher,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      isSent = true;
      const text = await res.body.text();
      const parsed = parseJson(text);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (parsed === undefined) return { ok: false, failure: { kind: 'garbage', what: 'not JSON' } };
        const link = res.headers.link;
        return {
          ok: true,
          status: res.statusCode,
          response: { body: parsed, link: typeof link === 'string' ? link : null },
        };
      }
      const errorBody = (parsed ?? {}) as Record<string, unknown>;
      const retryAfter = res.headers['retry-after'];
      const retryAfterMs = parseRetryAfterMs(
        typeof retryAfter === 'string' ? retryAfter : undefined,
        Date.now(),
      );
      return {
        ok: false,
        failure: {
          kind: 'status',
          status: res.statusCode,
          code: typeof errorBody.code === 'string' ? errorBody.code : '',
          message: typeof errorBody.message === 'string' ? errorBody.message : '',
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      // A request is "sent" once undici wrote it; a refused or failed TLS connection never was.
      const isWritten =
        isSent ||
        (!['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code) &&
          !code.startsWith('ERR_TLS') &&
          !/CERT|SELF_SIGNED/.test(code));
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        return { ok: false, failure: { kind: 'timeout', isSent: true } };
      return { ok: false, failure: { kind: 'network', isSent: isWritten, what: code } };
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `rel="next"` target as a path after `apis/3.0/`, or null at the end. */
export function nextPath(link: string | null): string | null {
  if (link === null) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (m?.[1] === undefined) continue;
    const at = m[1].indexOf('apis/3.0/');
    return at < 0 ? null : m[1].slice(at + 'apis/3.0/'.length);
  }
  return null;
}
