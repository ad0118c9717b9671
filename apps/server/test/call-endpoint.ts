/**
 * callEndpoint(): a test calls an endpoint through its declaration in `@coro/contracts` (ADR 0014),
 * over `app.inject` — no URL strings in tests, params/query/body checked by the compiler, and the
 * answer's JSON typed by the endpoint's success responses.
 *
 * @example
 * const res = await callEndpoint(t.app, endpoints.connectors.list, {
 *   params: { channelId: t.seed.channel.id },
 *   headers: await t.login('viewer'),
 * });
 * expect(res.statusCode).toBe(200);
 * expect(res.json().items).toHaveLength(1);       // typed: ConnectorList
 * expect(res.error().code).toBe('forbidden');     // when it was not a success
 */
import {
  endpointUrl,
  type EndpointInput,
  type EndpointResponse,
  type EndpointSpec,
  type ErrorEnvelope,
} from '@coro/contracts';
import type { InjectOptions, LightMyRequestResponse as Response } from 'fastify';

import type { AppInstance } from '../src/http/routes/route-plugin.js';

export type EndpointCallInput<E extends EndpointSpec> = EndpointInput<E> & {
  readonly headers?: Readonly<Record<string, string>>;
  /** Raw query text appended as is (for malformed-input tests); prefer `query`. */
  readonly rawQuery?: string;
  readonly remoteAddress?: string;
};

export interface EndpointCall<E extends EndpointSpec> {
  readonly statusCode: number;
  readonly headers: Response['headers'];
  readonly body: string;
  /** The success JSON, typed by the endpoint. */
  json(): EndpointResponse<E>;
  /** The error of a non-2xx answer (`{ code, message, details? }`); throws on a success. */
  error(): ErrorEnvelope['error'];
  readonly response: Response;
}

export async function callEndpoint<E extends EndpointSpec>(
  app: AppInstance,
  endpoint: E,
  input: EndpointCallInput<E>,
): Promise<EndpointCall<E>> {
  const query =
    input.rawQuery === undefined ? '' : `${input.query === undefined ? '?' : '&'}${input.rawQuery}`;
  const options: InjectOptions = {
    method: endpoint.method,
    url: `${endpointUrl(endpoint, input as { params?: object; query?: object })}${query}`,
    ...(input.headers === undefined ? {} : { headers: { ...input.headers } }),
    ...(input.body === undefined ? {} : { payload: input.body as InjectOptions['payload'] }),
    ...(input.remoteAddress === undefined ? {} : { remoteAddress: input.remoteAddress }),
  };
  const response = await app.inject(options);
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body,
    json: () => response.json<EndpointResponse<E>>(),
    error: () => {
      if (response.statusCode < 400) {
        throw new Error(`${endpoint.method} ${endpoint.path} succeeded (${response.statusCode}): no error`);
      }
      return response.json<ErrorEnvelope>().error;
    },
    response,
  };
}
