/**
 * Shared set-up for the ConnectWise `*.http.test.ts` files: the real sandbox over HTTPS on
 * loopback (its exported start function, as the Autotask tests do) and a provider that trusts the
 * sandbox's self-signed certificate through its `ca` option. Test-only.
 */
import { readFileSync } from 'node:fs';
import { startSandbox, type Sandbox, type SeedOption } from 'connectwise-sandbox';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { PsaCallEvent, PsaConnection } from '../../psa/psa-provider.port.js';
import { encodeCwCredentials, type CwCredentialFields } from './connectwise.credentials.js';
import { createConnectWiseProvider, type ConnectWiseProviderConfig } from './connectwise.provider.js';

export interface CwFixture {
  readonly sandbox: () => Sandbox;
  /** A connection with the sandbox's credentials, overridden by `fields` / `clientId`. */
  readonly connect: (options?: {
    fields?: Partial<CwCredentialFields>;
    clientId?: string;
    config?: ConnectWiseProviderConfig;
  }) => { connection: PsaConnection; calls: PsaCallEvent[] };
}

export function useCwSandbox(seed: SeedOption): CwFixture {
  let sandbox: Sandbox | undefined;
  let ca = '';
  const running = (): Sandbox => {
    if (sandbox === undefined) throw new Error('the sandbox runs only inside tests and hooks');
    return sandbox;
  };
  const opened: PsaConnection[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed, tls: true });
    ca = readFileSync(sandbox.caFile ?? '', 'utf8');
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await sandbox?.close();
  });
  beforeEach(() => {
    running().admin.reset(seed);
    running().admin.clearFaults();
  });
  return {
    sandbox: running,
    connect: (options = {}) => {
      const c = running().credentials;
      const calls: PsaCallEvent[] = [];
      const provider = createConnectWiseProvider({
        ca,
        backoffBaseMs: 1,
        backoffMaxMs: 5,
        sleep: () => Promise.resolve(),
        ...options.config,
      });
      const connection = provider.connect(
        encodeCwCredentials({ ...c, ...options.fields }, options.clientId ?? c.clientId),
        { connectorId: 'test', onCall: (e) => calls.push(e) },
      );
      opened.push(connection);
      return { connection, calls };
    },
  };
}
