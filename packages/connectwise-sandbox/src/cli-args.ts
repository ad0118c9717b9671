import { invalidSeed, type SeedOption } from './seeds/index.js';
import type { SandboxOptions } from './types.js';

export const usage = `Usage: connectwise-sandbox [options]

A faithful local ConnectWise PSA (Manage) REST API.

Options:
  --port <n>                 port to listen on; 0 = random free port (default 8443)
  --host <h>                 interface to bind (default 127.0.0.1)
  --seed <seed>              demo | empty | scale:<companies> | <file.json> (default demo)
  --tls                      serve HTTPS with a self-signed certificate made at start (needs openssl)
  --tls-dir <dir>            where to write the certificate (default: a new temporary directory)
  --codebase <c>             the Codebase discovery answers (default v4_6_release/)
  --latency-ms <n>           fixed extra latency per API call (default 0)
  --requests-per-minute <n>  per company before 429 + Retry-After (default 1000)
  -h, --help                 show this help

On startup one JSON line is printed to stdout:
  {"url":…,"site":…,"companyId":…,"publicKey":…,"privateKey":…,"clientId":…,"codebase":…,"caFile":…}
(url is http:// and caFile null without --tls). Logs go to stderr. SIGINT/SIGTERM shut it down.
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
  const options: SandboxOptions = { port: 8443 };
  try {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (arg === '-h' || arg === '--help') return { kind: 'help' };
      if (arg === '--tls') {
        options.tls = true;
        continue;
      }
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
        case '--tls-dir':
          options.tlsDir = value;
          break;
        case '--codebase':
          options.codebase = value.endsWith('/') ? value : `${value}/`;
          break;
        case '--latency-ms':
          options.latencyMs = nonNegativeInt(flag, value);
          break;
        case '--requests-per-minute':
          options.requestsPerMinute = nonNegativeInt(flag, value);
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
