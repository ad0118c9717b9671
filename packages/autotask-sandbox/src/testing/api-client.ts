import type { Sandbox, SandboxApiUser } from '../types.js';

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A deliberately thin raw-HTTP client for the sandbox's own tests: no retries, no knowledge of quirks. */
export class RawApi {
  constructor(
    readonly sandbox: Sandbox,
    private readonly user: SandboxApiUser = sandbox.apiUser,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      ApiIntegrationcode: this.user.integrationCode,
      UserName: this.user.username,
      Secret: this.user.secret,
      ...extra,
    };
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiReply> {
    const url = path.startsWith('http') ? path : `${this.sandbox.zoneUrl}V1.0/${path.replace(/^\//, '')}`;
    const response = await fetch(url, {
      method,
      headers: headers ?? this.headers(),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseOrNull(text) };
  }

  get(path: string): Promise<ApiReply> {
    return this.call('GET', path);
  }

  post(path: string, body: unknown): Promise<ApiReply> {
    return this.call('POST', path, body);
  }

  /** POST {Entity}/query and return the items (first page). */
  async query(
    entity: string,
    filter: unknown[],
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>[]> {
    const reply = await this.post(`${entity}/query`, { filter, ...extra });
    if (reply.status !== 200) throw new Error(`query ${entity} → ${reply.status} ${reply.text}`);
    return (reply.json as { items: Record<string, unknown>[] }).items;
  }
}

function parseOrNull(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

export function errorsOf(reply: ApiReply): string[] {
  return (reply.json as { errors?: string[] } | null)?.errors ?? [];
}
