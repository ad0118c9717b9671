import { invalidSeed, type SeedOption } from './seeds/index.js';
import type { SandboxOptions } from './types.js';

export const usage = `Usage: autotask-sandbox [options]

A faithful local Autotask PSA REST API.

Options:
  --port <n>              port to listen on; 0 = random free port (default 8080)
  --host <h>              interface to bind (default 127.0.0.1)
  --seed <seed>           demo | empty | scale:<companies> | <file.json> (default demo)
  --latency-ms <n>        fixed extra latency per API call (default 0)
  --time-zone <tz>        tenant IANA time zone for date-only fields (default America/New_York)
  --hourly-threshold <n>  requests per rolling hour (default 10000)
  --thread-limit <n>      concurrent requests per integration code and entity (default 3)
  -h, --help              show this help

On startup one JSON line is printed to stdout:
  {"url":…,"zoneUrl":…,"username":…,"secret":…,"integrationCode":…}
Logs go to stderr. SIGINT/SIGTERM shut it down.
`;

export type CliCommand =
  { kind: 'help' } | { kind: 'run'; options: SandboxOptions } | { kind: 'error'; message: string };

function parseSeed(value: string): SeedOption {
  if (value === 'demo' || value === 'empty' || value.startsWith('scale:')) return value as SeedOption;
  return { file: value };
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${flag} expects a non-negative integer, got '${value}'`);
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  const options: SandboxOptions = { port: 8080 };
  try {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (arg === '-h' || arg === '--help') return { kind: 'help' };
      const [flag, inline] = arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      switch (flag) {
        case '--port':
          options.port = nonNegativeInt(flag, value);
          break;
        case '--host':
          options.host = value;
          break;
        case '--seed': {
          const seed = parseSeed(value);
          const problem = invalidSeed(seed);
          if (problem !== null) throw new Error(problem);
          options.seed = seed;
          break;
        }
        case '--latency-ms':
          options.latencyMs = nonNegativeInt(flag, value);
          break;
        case '--time-zone':
          options.tenantTimeZone = value;
          break;
        case '--hourly-threshold':
          options.hourlyThreshold = nonNegativeInt(flag, value);
          break;
        case '--thread-limit':
          options.threadLimit = Math.max(1, nonNegativeInt(flag, value));
          break;
        default:
          throw new Error(`unknown option ${flag}`);
      }
    }
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  return { kind: 'run', options };
}
