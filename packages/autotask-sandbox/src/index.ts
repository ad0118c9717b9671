import { Admin } from './admin.js';
import { defaultApiUser } from './seeds/catalog.js';
import { invalidSeed } from './seeds/index.js';

/** The company names of the `scale:N` seed, by index (benchmarks build matching data with it). */
export { scaleCompanyName } from './seeds/scale.js';
import { SandboxServer } from './server.js';
import { SandboxState } from './state.js';
import type { Sandbox, SandboxOptions } from './types.js';
import { isValidTimeZone } from './util/dates.js';

export type {
  AdjustmentRecord,
  FaultKind,
  FaultMethod,
  FaultRule,
  Sandbox,
  SandboxAdmin,
  SandboxApiUser,
  SandboxOptions,
  SandboxStats,
  SandboxTenantOptions,
  SandboxTenantSummary,
  SeedDescription,
  SeedRecord,
} from './types.js';

function checkOptions(options: SandboxOptions): void {
  const seedProblem = options.seed === undefined ? null : invalidSeed(options.seed);
  if (seedProblem !== null) throw new Error(seedProblem);
  const numbers = ['port', 'latencyMs', 'hourlyThreshold', 'latencyTierScale', 'threadLimit'] as const;
  for (const key of numbers) {
    const value = options[key];
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      throw new Error(`${key} must be a non-negative number`);
  }
  if (
    options.threadLimit !== undefined &&
    (!Number.isInteger(options.threadLimit) || options.threadLimit < 1)
  ) {
    throw new Error('threadLimit must be a positive integer');
  }
}

/** Starts a sandbox tenant on loopback (by default a random free port, demo data). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  checkOptions(options);
  const timeZone = options.tenantTimeZone ?? 'America/New_York';
  if (!isValidTimeZone(timeZone)) throw new Error(`unknown time zone ${timeZone}`);
  const host = options.host ?? '127.0.0.1';
  const state = new SandboxState({ ...options, tenantTimeZone: timeZone });
  let url = '';
  const admin = new Admin(state, () => url);
  const running = await new SandboxServer(state, admin).listen(host, options.port ?? 0);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${running.port}`;
  return {
    url,
    get zoneUrl() {
      return admin.zoneUrl();
    },
    apiUser: { ...defaultApiUser },
    admin,
    close: () => running.close(),
  };
}
