import { ApiError } from '../api/client.js';

/** What the admin should do next, per error code, when the server did not say. */
const adviceByCode: Record<string, string> = {
  network_error: 'Check your network connection, then try again.',
  unauthenticated: 'Sign in again.',
  forbidden: 'Your role cannot do this. Ask an MSP Administrator of this channel.',
  csrf_failed: 'Reload the page and try again.',
  not_found: 'It may have been removed. Go back to the list and reload.',
  conflict: 'Someone changed this at the same time, or it already exists. Reload and check.',
  rate_limited: 'Wait a minute, then try again.',
  locked_out: 'Too many failed attempts. Wait a few minutes before signing in again.',
  psa_bad_username:
    'Check the User name: it is the API user\u2019s Username (Key) from Autotask \u203a Resources/Users, not an email of a person.',
  psa_bad_secret:
    'Check the Secret. Autotask shows it only once: if it was lost, generate a new secret for the API user and paste it here.',
  psa_bad_integration_code:
    'In Autotask, edit the API user \u203a API Tracking Identifier: select Integration Vendor \u201cCoro Cybersecurity - REST API Integration\u201d.',
  psa_permission_denied:
    'Give the API user a Security Level that can read companies, services and contracts, and adjust contract services.',
  psa_zone_unknown: 'Autotask could not tell which data center hosts this user. Check the User name.',
  psa_unavailable: 'Autotask is not reachable right now. Try again in a few minutes.',
  psa_timeout: 'Autotask did not answer in time. Try again in a few minutes.',
  psa_rate_limited: 'Autotask\u2019s hourly API limit is reached. Try again later.',
  internal: 'Try again. If it keeps happening, contact support with the time of the error.',
};

export interface ErrorExplanation {
  readonly title: string;
  readonly message: string;
  readonly advice: string | undefined;
  readonly code: string | undefined;
}

export function explainError(error: unknown): ErrorExplanation {
  if (error instanceof ApiError) {
    return {
      title: error.status === 0 ? 'Connection problem' : 'Something went wrong',
      message: error.message,
      advice: error.advice ?? adviceByCode[error.code],
      code: error.code,
    };
  }
  return {
    title: 'Something went wrong',
    message: error instanceof Error ? error.message : String(error),
    advice: adviceByCode.internal,
    code: undefined,
  };
}
