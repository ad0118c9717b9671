/**
 * The one place the console talks HTTP. Same-origin `/api`, the session cookie travels by itself;
 * unsafe methods echo the readable CSRF cookie in a header (double-submit). Failures become
 * `ApiError` carrying the server's envelope `{error:{code,message,details?}}`.
 */

import type { CSRF_COOKIE, CSRF_HEADER } from '@coro/contracts';

// Type-only imports keep TypeBox out of the bundle; the annotations fail to compile if the
// contract's names ever change.
export const csrfCookieName: typeof CSRF_COOKIE = 'coro_csrf';
export const csrfHeaderName: typeof CSRF_HEADER = 'x-csrf-token';

export interface ErrorDetails {
  /** What the admin should do next, when the server says. */
  readonly advice?: string;
  readonly [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails | undefined;

  constructor(status: number, code: string, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  get advice(): string | undefined {
    return typeof this.details?.advice === 'string' ? this.details.advice : undefined;
  }
}

export function readCookie(name: string, cookieString: string = document.cookie): string | undefined {
  for (const part of cookieString.split(';')) {
    const [rawKey, ...rest] = part.trim().split('=');
    if (rawKey === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Listeners told when the server answers 401, so the app can send the user to sign-in. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

function isEnvelope(
  value: unknown,
): value is { error: { code: string; message: string; details?: ErrorDetails } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    // Served over https the server prefixes its cookies with __Host- (see SECURE_COOKIE_PREFIX).
    const token = readCookie(`__Host-${csrfCookieName}`) ?? readCookie(csrfCookieName);
    if (token) headers[csrfHeaderName] = token;
  }
  let response: Response;
  try {
    response = await fetch(withQuery(`/api${path}`, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'The console cannot reach its server.', {
      advice: 'Check your network connection, then try again.',
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/auth/'))
      for (const listener of unauthorizedListeners) listener();
    if (isEnvelope(payload)) {
      throw new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details);
    }
    throw new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status}.`);
  }
  return payload as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} }),
  delete: <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
};
