import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Admin } from './admin.js';
import { invalidSeed } from './seeds/index.js';
import { defaultApiMember, defaultClientId, defaultCompanyId } from './seeds/lookups.js';
import { SandboxServer } from './server.js';
import { SandboxState } from './state.js';
import { makeSelfSignedCertificate } from './tls.js';
import type { Sandbox, SandboxOptions } from './types.js';

export type {
  AccessLevel,
  FaultKind,
  FaultMethod,
  FaultRule,
  Sandbox,
  SandboxAdmin,
  SandboxCredentials,
  SandboxOptions,
  SecurityRole,
  SeedOption,
  TenantStats,
  WriteRecord,
} from './types.js';
export { scaleCompanyName } from './seeds/scale.js';

function checkOptions(options: SandboxOptions): void {
  const seedProblem = options.seed === undefined ? null : invalidSeed(options.seed);
  if (seedProblem !== null) throw new Error(seedProblem);
  for (const key of ['port', 'latencyMs', 'requestsPerMinute'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      throw new Error(`${key} must be a non-negative number`);
  }
  if (options.codebase !== undefined && !/^[A-Za-z0-9_.]+\/$/.test(options.codebase))
    throw new Error('codebase must look like v4_6_release/ (letters, digits, _ and ., ending in /)');
}

/**
 * Starts a sandbox on loopback (by default a random free port, demo data, plain HTTP). Real
 * ConnectWise is HTTPS-only: pass `tls: true` for clients that hard-code `https://` (ADR 0009).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const state = new SandboxState(options);
  const admin = new Admin(state);
  const certificate = options.tls ? makeSelfSignedCertificate(host, options.tlsDir) : null;
  const running = await new SandboxServer(state, admin, certificate ? 'https' : 'http').listen(
    host,
    options.port ?? 0,
    certificate,
  );
  const site = `${host.includes(':') ? `[${host}]` : host}:${running.port}`;
  return {
    url: `${certificate ? 'https' : 'http'}://${site}`,
    caFile: certificate?.caFile ?? null,
    credentials: {
      site,
      companyId: defaultCompanyId,
      publicKey: defaultApiMember.publicKey,
      privateKey: defaultApiMember.privateKey,
      clientId: defaultClientId,
      codebase: state.codebase,
    },
    admin,
    close: async () => {
      await running.close();
      // A certificate in a directory we made is ours to remove; one in --tls-dir is the caller's.
      if (certificate && options.tlsDir === undefined)
        rmSync(dirname(certificate.caFile), { recursive: true, force: true });
    },
  };
}
