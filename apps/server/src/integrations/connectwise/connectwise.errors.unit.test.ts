/** ConnectWise statuses → the port's failure codes, by table. */
import { describe, expect, it } from 'vitest';
import { classifyCwFailure } from './connectwise.errors.js';

const status = (s: number, message: string) =>
  classifyCwFailure({ kind: 'status', status: s, code: 'Unauthorized', message });

describe('classifyCwFailure', () => {
  it.each([400, 401, 403])('a clientId refusal answered %i is bad_integration_code', (s) => {
    const error = status(s, "clientId 'f00' is not a registered integration.");
    expect(error.code).toBe('bad_integration_code');
    expect(error.advice).toMatch(/developer portal/);
    expect(error.advice).toMatch(/CONNECTWISE_CLIENT_ID/);
  });

  it('a missing clientId header, worded "client id", is bad_integration_code too', () => {
    expect(status(400, 'A Client ID header is required.').code).toBe('bad_integration_code');
  });

  it.each([
    [401, 'Password or username is incorrect', 'bad_secret'],
    [403, 'You do not have access to Finance Agreements', 'permission_denied'],
    [400, 'quantity must be positive', 'validation_failed'],
    [429, 'Too many requests', 'rate_limited'],
    [503, 'Service unavailable', 'unavailable'],
  ] as const)('%i "%s" (no clientId) stays %s', (s, message, code) => {
    expect(status(s, message).code).toBe(code);
  });
});
