/**
 * The API as a signed-in page sees it (its cookies and CSRF token), through the endpoint
 * declarations (ADR 0014): no path is written here.
 */
import type { APIResponse, Page } from 'playwright-core';
import { expect } from 'vitest';

import { endpointUrl, type EndpointInput, type EndpointResponse, type EndpointSpec } from '@coro/contracts';

export interface SessionApi {
  /** The answer as it comes, for a test that checks a refusal. */
  fetch<E extends EndpointSpec>(endpoint: E, input: EndpointInput<E>): Promise<APIResponse>;
  /** The JSON answer; the test fails unless the status is one the endpoint declares. */
  call<E extends EndpointSpec>(endpoint: E, input: EndpointInput<E>): Promise<EndpointResponse<E>>;
}

type UrlInput = { readonly params?: object; readonly query?: object };

export function sessionApi(page: Page, baseUrl: string): SessionApi {
  const fetch = async <E extends EndpointSpec>(endpoint: E, input: EndpointInput<E>) => {
    const csrf = (await page.context().cookies()).find((c) => c.name === 'coro_csrf')?.value ?? '';
    const { body } = input as { body?: unknown };
    return page.request.fetch(`${baseUrl}${endpointUrl(endpoint, input as UrlInput)}`, {
      method: endpoint.method,
      // As the console's client: a JSON content type only with a body (an empty JSON body is a 400).
      ...(body === undefined
        ? { headers: { 'x-csrf-token': csrf } }
        : {
            headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
            data: JSON.stringify(body),
          }),
    });
  };
  return {
    fetch,
    call: async (endpoint, input) => {
      const response = await fetch(endpoint, input);
      const what = `${endpoint.method} ${endpointUrl(endpoint, input as UrlInput)}`;
      expect(Object.keys(endpoint.responses), `${what}: ${await response.text()}`).toContain(
        String(response.status()),
      );
      return (await response.json()) as EndpointResponse<typeof endpoint>;
    },
  };
}
