import type { AppErrorCode } from '@coro/contracts';

import type { PsaError, PsaErrorCode } from '../psa/psa-provider.port.js';

export type { AppErrorCode };

/**
 * An expected failure with a reason code. Throw it from a handler (or return it from a service
 * and throw at the edge); `http/plugins/error-handler.ts` maps the code to the HTTP status and
 * the `{ error: { code, message, details? }, reqId }` envelope. `message` is shown to users, so it
 * never contains a secret; `details` is structured (e.g. rejected rows, lockedUntil).
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

const psaCodes: Record<PsaErrorCode, AppErrorCode> = {
  bad_username: 'psa_bad_username',
  bad_secret: 'psa_bad_secret',
  bad_integration_code: 'psa_bad_integration_code',
  permission_denied: 'psa_permission_denied',
  rate_limited: 'psa_rate_limited',
  zone_unknown: 'psa_zone_unknown',
  timeout: 'psa_timeout',
  validation_failed: 'psa_validation_failed',
  unavailable: 'psa_unavailable',
  not_found: 'psa_not_found',
};

/** A PSA adapter's failure, passed through to the API as `psa_<code>` with its advice. */
export function appErrorFromPsa(error: PsaError): AppError {
  return new AppError(psaCodes[error.code], error.message, {
    advice: error.advice,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}
