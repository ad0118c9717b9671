import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppErrorCode, ErrorEnvelope } from '@coro/contracts';

import { AppError, isAppError } from '../../app/app-error.js';
import type { AppInstance } from '../routes/route-plugin.js';

/** The one table from reason code to HTTP status. */
export const httpStatusByCode: Readonly<Record<AppErrorCode, number>> = {
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  password_change_required: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_member: 409,
  last_admin: 409,
  preview_stale: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  locked_out: 423,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  // PSA failures are about the PSA account, not our session: never 401/403, which the console
  // reads as "sign in again".
  psa_bad_username: 422,
  psa_bad_secret: 422,
  psa_bad_integration_code: 422,
  psa_permission_denied: 422,
  psa_zone_unknown: 422,
  psa_validation_failed: 422,
  psa_not_found: 422,
  psa_rate_limited: 429,
  psa_unavailable: 502,
  psa_timeout: 504,
};

const codeByFrameworkStatus: Readonly<Record<number, AppErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** What Fastify and its plugins attach to the errors they throw. */
interface FrameworkError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: ValidationIssue[];
  validationContext?: string;
}

const frameworkErrors: Readonly<Record<string, readonly [AppErrorCode, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the body as application/json.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'The JSON body is empty.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'The body is not valid JSON.'],
  // Raised by the router before any route runs (see `frameworkErrors` in app.ts).
  FST_ERR_BAD_URL: ['bad_request', 'The URL is not valid (a path segment is not percent-encoded UTF-8).'],
  FST_ERR_MAX_PARAM_LENGTH: ['bad_request', 'A path segment of the URL is too long.'],
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: unknown;
}

/** Translates whatever was thrown into an AppError; unknown errors become `internal`. */
export function toAppError(error: unknown): { appError: AppError; isBug: boolean } {
  if (isAppError(error)) return { appError: error, isBug: false };
  const fastifyError = error as FrameworkError;
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'request';
    const issues = fastifyError.validation.map((v) => ({
      in: context,
      path: v.instancePath ?? '',
      message: v.message ?? 'is invalid',
    }));
    const summary = issues.map((i) => `${i.in}${i.path} ${i.message}`).join('; ');
    return {
      appError: new AppError('validation_failed', `Invalid ${context}: ${summary}`, { issues }),
      isBug: false,
    };
  }
  const known = fastifyError.code === undefined ? undefined : frameworkErrors[fastifyError.code];
  if (known) return { appError: new AppError(known[0], known[1]), isBug: false };
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = codeByFrameworkStatus[status] ?? 'bad_request';
    // Framework 4xx messages (e.g. JSON parse errors) are safe and useful; keep them short.
    const message =
      error instanceof SyntaxError ? 'The body is not valid JSON.' : (fastifyError.message ?? code);
    return { appError: new AppError(code, message), isBug: false };
  }
  return {
    appError: new AppError('internal', 'Something went wrong on our side. The error was logged.'),
    isBug: true,
  };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, appError: AppError): FastifyReply {
  const body: ErrorEnvelope = {
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.details === undefined ? {} : { details: appError.details }),
    },
    reqId: request.id,
  };
  return reply.status(httpStatusByCode[appError.code]).type('application/json').send(body);
}

/**
 * Fastify's `frameworkErrors` option: router failures (bad percent-encoding, over-long path
 * segments) would otherwise answer Fastify's own body, without our envelope.
 */
export function handleFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { appError } = toAppError(error);
  request.log.info({ code: appError.code }, appError.message);
  void sendError(request, reply, appError);
}

export function registerErrorHandler(app: AppInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { appError, isBug } = toAppError(error);
    if (isBug) request.log.error({ err: error }, 'unhandled error');
    else if (appError.code !== 'not_found') request.log.info({ code: appError.code }, appError.message);
    return sendError(request, reply, appError);
  });
}
