import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino replaces with "[redacted]". Autotask authenticates with headers (UserName, Secret,
 * ApiIntegrationCode), and we authenticate with cookies and bearer tokens, so headers are covered
 * on both inbound requests and outbound call logs. Wildcards in pino match one level only, hence
 * the explicit depth variants.
 */
export const redactPaths: readonly string[] = [
  'secret',
  'password',
  'token',
  'credentials',
  'credentials.*',
  '*.secret',
  '*.password',
  '*.apiSecret',
  '*.token',
  '*.credentials',
  '*.passwordHash',
  '*.*.secret',
  '*.*.password',
  'headers.secret',
  'headers.apiintegrationcode',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-csrf-token"]',
  '*.headers.secret',
  '*.headers.apiintegrationcode',
  '*.headers.ApiIntegrationCode',
  '*.headers.Secret',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-csrf-token"]',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: [...redactPaths], censor: '[redacted]' },
    base: { service: 'coro-psa' },
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}

export type { Logger };
