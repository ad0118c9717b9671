/**
 * ConnectWise failures in the port's words. Advice names ConnectWise's own screens (System ›
 * Members › API Members, Security Roles) so the admin knows where to fix each case.
 */
import type { PsaError } from '../../psa/psa-provider.port.js';

/** What went wrong on the wire, before it becomes a `PsaError`. */
export type CwFailure =
  | { readonly kind: 'company_unknown' }
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly retryAfterMs?: number;
    }
  | { readonly kind: 'network'; readonly isSent: boolean; readonly what: string }
  | { readonly kind: 'timeout'; readonly isSent: boolean }
  | { readonly kind: 'garbage'; readonly what: string };

/** The clientId message is the only refusal that says which part is wrong; keys and company share one. */
const isClientIdMessage = (message: string): boolean => /client\s*id/i.test(message);

/**
 * ConnectWise's gateway has been seen refusing a missing or unregistered clientId with 400, 401 or
 * 403 depending on version and cloud (reference §2 marks the status unverified), so the message
 * decides, not the status: a 403 about the clientId is not a security-role problem.
 */
const clientIdStatuses: ReadonlySet<number> = new Set([400, 401, 403]);

export function classifyCwFailure(failure: CwFailure): PsaError {
  switch (failure.kind) {
    case 'company_unknown':
      return {
        code: 'zone_unknown',
        message: 'ConnectWise PSA does not know this company ID on this site.',
        advice:
          'Check the site (e.g. api-na.myconnectwise.net) and the company ID you type on the ConnectWise login screen.',
      };
    case 'network':
      return {
        code: 'unavailable',
        message: `ConnectWise PSA could not be reached (${failure.what}).`,
        advice: 'Check the site name; if it is right, try again in a few minutes.',
        ...(failure.isSent ? { isAmbiguous: true } : {}),
      };
    case 'timeout':
      return {
        code: 'timeout',
        message: 'ConnectWise PSA did not answer in time.',
        advice: 'Try again in a few minutes.',
        ...(failure.isSent ? { isAmbiguous: true } : {}),
      };
    case 'garbage':
      return {
        code: 'unavailable',
        message: `ConnectWise PSA sent an answer we could not read (${failure.what}).`,
        advice: 'Try again later; if it persists, contact support.',
      };
    case 'status':
      return fromStatus(failure);
  }
}

function fromStatus(f: Extract<CwFailure, { kind: 'status' }>): PsaError {
  const detail = f.message === '' ? {} : { detail: f.message };
  if (clientIdStatuses.has(f.status) && isClientIdMessage(f.message))
    return {
      code: 'bad_integration_code',
      message: 'ConnectWise PSA refused the integration’s clientId.',
      advice:
        'The server’s CONNECTWISE_CLIENT_ID is missing or not registered in ConnectWise’s developer portal (developer.connectwise.com › Client IDs); ask your Coro administrator.',
      ...detail,
    };
  if (f.status === 401)
    return {
      code: 'bad_secret',
      message: 'ConnectWise PSA refused the company ID, public key or private key.',
      advice:
        'In ConnectWise PSA open System › Members › API Members › (the API member) › API Keys, create a new key pair and paste both keys; check the company ID too.',
      ...detail,
    };
  if (f.status === 403)
    return {
      code: 'permission_denied',
      message: 'The API member’s security role does not allow this.',
      advice:
        'In ConnectWise PSA open System › Security Roles, give the API member’s role Inquire on Companies › Company Maintenance and Procurement › Product Catalog, and Inquire/Add/Edit on Finance › Agreements.',
      ...detail,
    };
  if (f.status === 404)
    return {
      code: 'not_found',
      message: 'ConnectWise PSA has no such record.',
      advice: 'Refresh and try again.',
      ...detail,
    };
  if (f.status === 429)
    return {
      code: 'rate_limited',
      message: 'ConnectWise PSA asked us to slow down.',
      advice: 'Wait a little; the sync resumes by itself.',
      ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
      ...detail,
    };
  if (f.status >= 400 && f.status < 500)
    return {
      code: 'validation_failed',
      message: 'ConnectWise PSA refused the change.',
      advice: 'Read ConnectWise’s reason below and fix the agreement or addition in ConnectWise PSA.',
      ...detail,
    };
  return {
    code: 'unavailable',
    message: `ConnectWise PSA failed (HTTP ${f.status}).`,
    advice: 'Try again in a few minutes.',
    ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
    ...detail,
  };
}
