/**
 * The one place the console talks HTTP. Same-origin `/api`, the session cookie travels by itself;
 * unsafe methods echo the readable CSRF cookie in a header (double-submit). Failures become
 * `ApiError` carrying the server's envelope `{error:{code,message,details?}}`.
 */

import {
  endpointUrl,
  type CSRF_COOKIE,
  type CSRF_HEADER,
  type EndpointInput,
  type EndpointResponse,
  type EndpointSpec,
} from '@coro/contracts';

// The annotations fail to compile if the contract's names ever change.
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

/** Listeners told when the server answers 401, so the app can send the user to sign-in. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

interface RequestOptions {
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

async function request<T>(method: string, url: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    // Served over https the server prefixes its cookies with __Host- (see SECURE_COOKIE_PREFIX).
    const token = readCookie(`__Host-${csrfCookieName}`) ?? readCookie(csrfCookieName);
    if (token) headers[csrfHeaderName] = token;
  }
  let response: Response;
  try {
    response = await fetch(url, {
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
    if (response.status === 401 && !url.startsWith('/api/auth/'))
      for (const listener of unauthorizedListeners) listener();
    if (isEnvelope(payload)) {
      throw new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details);
    }
    throw new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status}.`);
  }
  return payload as T;
}

export type CallInput<E extends EndpointSpec> = EndpointInput<E> & { readonly signal?: AbortSignal };

/**
 * Calls one endpoint of `@coro/contracts` (ADR 0014): the path, its parameters, the query and the
 * body are checked by the compiler, and the answer is typed by the endpoint. Feature code never
 * writes a path. Unsafe methods without a body send `{}` (the server's body schemas are objects).
 */
export function call<E extends EndpointSpec>(
  endpoint: E,
  ...[input]: Partial<EndpointInput<E>> extends EndpointInput<E>
    ? [input?: CallInput<E>]
    : [input: CallInput<E>]
): Promise<EndpointResponse<E>> {
  const { params, query, body, signal } = (input ?? {}) as {
    params?: object;
    query?: object;
    body?: unknown;
    signal?: AbortSignal;
  };
  const isRead = endpoint.method === 'GET' || endpoint.method === 'DELETE';
  return request<EndpointResponse<E>>(endpoint.method, endpointUrl(endpoint, { params, query }), {
    body: body ?? (isRead ? undefined : {}),
    signal,
  });
}

/** Where the browser itself goes (a download link, an event stream): same path, no fetch. */
export function urlOf<E extends EndpointSpec>(endpoint: E, input: Omit<EndpointInput<E>, 'body'>): string {
  return endpointUrl(endpoint, input as { params?: object; query?: object });
}
