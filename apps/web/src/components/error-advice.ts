import { ApiError } from '../api/client.js';

/**
 * What the admin should do next for the app's own generic codes, when the server did not say.
 * PSA failures have no entry on purpose: their advice knows the PSA and comes only from the server
 * (`details.advice`), so the console can never contradict it.
 */
const adviceByCode: Record<string, string> = {
  network_error: 'Check your network connection, then try again.',
  unauthenticated: 'Sign in again.',
  forbidden: 'Your role cannot do this. Ask an MSP Administrator of this channel.',
  csrf_failed: 'Reload the page and try again.',
  not_found: 'It may have been removed. Go back to the list and reload.',
  conflict: 'Someone changed this at the same time, or it already exists. Reload and check.',
  rate_limited: 'Wait a minute, then try again.',
  locked_out: 'Too many failed attempts. Wait a few minutes before signing in again.',
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
