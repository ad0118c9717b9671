import type { Sandbox, SandboxCredentials } from '../types.js';

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export type Row = Record<string, unknown>;

export function basicAuth(c: Pick<SandboxCredentials, 'companyId' | 'publicKey' | 'privateKey'>): string {
  return `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`;
}

/** A deliberately thin raw-HTTP client for the sandbox's own tests: no retries, no knowledge of quirks. */
export class RawApi {
  readonly base: string;

  constructor(
    readonly sandbox: Sandbox,
    private readonly credentials: SandboxCredentials = sandbox.credentials,
  ) {
    this.base = `${sandbox.url}/${sandbox.credentials.codebase}apis/3.0/`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      Accept: 'application/vnd.connectwise.com+json; version=2025.1',
      'Content-Type': 'application/json',
      Authorization: basicAuth(this.credentials),
      clientId: this.credentials.clientId,
      ...extra,
    };
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiReply> {
    const url = path.startsWith('http') ? path : `${this.base}${path.replace(/^\//, '')}`;
    const response = await fetch(url, {
      method,
      headers: headers ?? this.headers(),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseOrNull(text) };
  }

  get(path: string, query: Record<string, string | number> = {}): Promise<ApiReply> {
    const params = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const qs = params.toString();
    return this.call('GET', qs === '' ? path : `${path}?${qs}`);
  }

  /** GET a list and return its rows, failing loudly on anything but 200. */
  async rows(path: string, query: Record<string, string | number> = {}): Promise<Row[]> {
    const reply = await this.get(path, query);
    if (reply.status !== 200) throw new Error(`GET ${path} → ${reply.status} ${reply.text}`);
    return reply.json as Row[];
  }

  async admin(method: string, path: string, body?: unknown): Promise<ApiReply> {
    return this.call(method, `${this.sandbox.url}/_sandbox/${path}`, body, {
      'Content-Type': 'application/json',
    });
  }
}

function parseOrNull(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}
