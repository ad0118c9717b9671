/**
 * Turns what Autotask (or the network) did into the port's error codes. Pure and table-tested.
 *
 * Autotask's statuses do not say what went wrong on their own: an unknown API user and a wrong
 * tracking identifier are both HTTP 500 (only the text differs), a wrong secret is 401, and
 * permission problems are 403 or, on some entities, 500 with a permission sentence.
 */
import type { PsaError } from '../../psa/psa-provider.port.js';

export type FailurePhase = 'discovery' | 'request';

export type FailureInput =
  | {
      readonly kind: 'http';
      readonly phase: FailurePhase;
      readonly status: number;
      /** Autotask's `errors[]` (or ASP.NET `Message`) texts, already scrubbed of secrets. */
      readonly errorTexts: readonly string[];
      readonly retryAfterMs?: number | null;
    }
  | {
      readonly kind: 'network';
      readonly phase: FailurePhase;
      readonly code: string;
      readonly isIdempotent: boolean;
    }
  /** A 2xx whose body is not what Autotask sends (HTML captive portal, truncated JSON, …). */
  | { readonly kind: 'garbage'; readonly phase: FailurePhase; readonly what: string }
  /** The connection was closed by us while the call waited. */
  | { readonly kind: 'closed' };

export const zoneNotDeterminedText = 'Zone information could not be determined';
export const integrationCodeInvalidText = 'IntegrationCode is invalid';
export const permissionText = 'does not have the adequate permissions';

/** Timeouts raised by undici or the OS; the request may or may not have been processed. */
export const timeoutErrorCodes: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Failures before any byte of the request left: a non-idempotent request cannot have been applied. */
export const notSentErrorCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * A 429 for the tenant's hourly request threshold (as opposed to the 3-thread limit, which clears
 * in milliseconds). Autotask then blocks EVERY call of the tenant, ThresholdInformation included,
 * until usage falls: short retries are pointless, the budget pacer must pause instead.
 */
export function isHourlyThresholdRejection(status: number, texts: readonly string[]): boolean {
  if (status !== 429) return false;
  return texts.some((t) => !/thread/i.test(t) && /request threshold|requests per|external request/i.test(t));
}

const includes = (texts: readonly string[], needle: string): boolean =>
  texts.some((t) => t.toLowerCase().includes(needle.toLowerCase()));

const detailOf = (texts: readonly string[]): { detail?: string } =>
  texts.length === 0 ? {} : { detail: texts.join(' ') };

export function classifyFailure(input: FailureInput): PsaError {
  switch (input.kind) {
    case 'closed':
      return {
        code: 'unavailable',
        message: 'The Autotask connection was closed before the call could run.',
        advice: 'Open a new connection and try again.',
      };
    case 'garbage':
      return input.phase === 'discovery'
        ? {
            code: 'zone_unknown',
            message: 'Autotask zone lookup returned an answer we could not use.',
            advice:
              'Check the Autotask discovery URL and the network path (proxy, captive portal), then test again.',
            detail: input.what,
          }
        : {
            code: 'unavailable',
            message: 'Autotask sent a response we could not read.',
            advice: 'Try again later; if it persists, contact Autotask support.',
            detail: input.what,
          };
    case 'network':
      return classifyNetwork(input);
    case 'http':
      return classifyHttp(input);
  }
}

function classifyNetwork(input: Extract<FailureInput, { kind: 'network' }>): PsaError {
  const mayHaveApplied = !input.isIdempotent && !notSentErrorCodes.has(input.code);
  const ambiguous = mayHaveApplied ? { isAmbiguous: true } : {};
  const ambiguousAdvice = mayHaveApplied
    ? ' The change may have been applied: re-read the units before trying again.'
    : '';
  if (input.phase === 'discovery') {
    return {
      code: 'zone_unknown',
      message: `Could not reach Autotask to find the account's zone (${input.code}).`,
      advice: 'Check network access to webservices*.autotask.net and try again.',
    };
  }
  if (timeoutErrorCodes.has(input.code)) {
    return {
      code: 'timeout',
      message: `Autotask did not answer in time (${input.code}).`,
      advice: `Autotask may be slow or throttling this tenant; try again later.${ambiguousAdvice}`,
      ...ambiguous,
    };
  }
  return {
    code: 'unavailable',
    message: `The connection to Autotask failed (${input.code}).`,
    advice: `Try again later.${ambiguousAdvice}`,
    ...ambiguous,
  };
}

function classifyHttp(input: Extract<FailureInput, { kind: 'http' }>): PsaError {
  const { status, errorTexts: texts } = input;
  const detail = detailOf(texts);
  if (includes(texts, zoneNotDeterminedText)) {
    return {
      code: 'bad_username',
      message: 'Autotask does not know this API username.',
      advice:
        'Check the User name: it is the API user’s Username (Key) from Autotask › Resources/Users (Generate Key), not a person’s e-mail address.',
      ...detail,
    };
  }
  if (input.phase === 'discovery') {
    return {
      code: 'zone_unknown',
      message: `Autotask zone lookup failed (HTTP ${status}).`,
      advice: 'Check the Autotask discovery URL and try again later.',
      ...detail,
    };
  }
  if (includes(texts, integrationCodeInvalidText)) {
    return {
      code: 'bad_integration_code',
      message: 'Autotask rejected the API tracking identifier.',
      advice:
        'In Autotask, edit the API user › API Tracking Identifier: select Integration Vendor “Coro Cybersecurity - REST API Integration”.',
      ...detail,
    };
  }
  if (status === 403 || includes(texts, permissionText)) {
    return {
      code: 'permission_denied',
      message: 'The Autotask API user is not allowed to do this.',
      advice: 'Give the API user a security level with access to Contracts (create adjustments) and CRM.',
      ...detail,
    };
  }
  if (status === 401) {
    return {
      code: 'bad_secret',
      message: 'Autotask rejected the API secret for this username.',
      advice: 'Re-enter the secret of the API-only user (or generate a new one in Autotask).',
      ...detail,
    };
  }
  if (status === 429) {
    return {
      code: 'rate_limited',
      message: 'Autotask is throttling this tenant (request or thread threshold reached).',
      advice: 'Wait and try again; other integrations share the same hourly budget.',
      ...(input.retryAfterMs === null || input.retryAfterMs === undefined
        ? {}
        : { retryAfterMs: input.retryAfterMs }),
      ...detail,
    };
  }
  if (status === 502 || status === 503 || status === 504) {
    return {
      code: 'unavailable',
      message: `Autotask is unavailable (HTTP ${status}).`,
      advice: 'Try again later.',
      ...(input.retryAfterMs === null || input.retryAfterMs === undefined
        ? {}
        : { retryAfterMs: input.retryAfterMs }),
      ...detail,
    };
  }
  if (status === 404) {
    return {
      code: 'not_found',
      message: 'Autotask did not find what was asked for.',
      advice: 'The record or endpoint may no longer exist; refresh and try again.',
      ...detail,
    };
  }
  return {
    code: 'validation_failed',
    message: `Autotask refused the request (HTTP ${status}).`,
    advice: 'Read the detail from Autotask; fix the data in Autotask or in the mapping and try again.',
    ...detail,
  };
}
