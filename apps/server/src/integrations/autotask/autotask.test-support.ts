/**
 * Shared set-up for the `*.http.test.ts` files: a real sandbox over loopback and a provider
 * pointed at it. Test-only (imports the sandbox, which production code never does).
 */
import { startSandbox, type SandboxOptions } from 'autotask-sandbox';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type {
  PsaCallEvent,
  PsaCompany,
  PsaConnection,
  PsaCredentials,
  PsaPaceEvent,
} from '../../psa/psa-provider.port.js';
import {
  createAutotaskProvider,
  type AutotaskProvider,
  type AutotaskProviderConfig,
} from './autotask.provider.js';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface SandboxFixture {
  /** Stands for the sandbox the hooks start; read it inside tests and hooks only. */
  readonly sb: Sandbox;
  /** Registers a harness to be closed after the current test. */
  readonly use: (h: Harness) => Harness;
  /** The current test's harnesses passed to `use`, not yet closed. */
  readonly open: readonly Harness[];
}

/**
 * Registers, in the calling scope (file or `describe`), the hooks that start a sandbox on a free
 * loopback port before its tests, close every harness passed to `use` after each test, and close
 * the sandbox after the last one. With `isResetBeforeEach`, each test starts from the seed with no
 * faults; scope-specific resets go in a `beforeEach` registered after this call (they run after).
 */
export function useSandbox(
  seed: NonNullable<SandboxOptions['seed']>,
  options: { isResetBeforeEach?: boolean } = {},
): SandboxFixture {
  let current: Sandbox | undefined;
  const running = (): Sandbox => {
    if (current === undefined) throw new Error('the sandbox runs only inside tests and hooks');
    return current;
  };
  const open: Harness[] = [];

  beforeAll(async () => {
    current = await startSandbox({ port: 0, seed });
  });
  afterAll(async () => {
    await current?.close();
  });
  if (options.isResetBeforeEach === true) {
    beforeEach(() => {
      running().admin.reset(seed);
      running().admin.clearFaults();
    });
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });

  const sb: Sandbox = {
    get url() {
      return running().url;
    },
    get zoneUrl() {
      return running().zoneUrl;
    },
    get apiUser() {
      return running().apiUser;
    },
    get admin() {
      return running().admin;
    },
    close: () => running().close(),
  };
  return {
    sb,
    open,
    use: (h) => {
      open.push(h);
      return h;
    },
  };
}

/** Fast retries so fault tests do not sleep for real-world backoffs. */
export const fastRetries = { backoffBaseMs: 5, backoffMaxMs: 40, maxRetryAfterMs: 1_000 } as const;

export function discoveryBase(sb: Sandbox): string {
  return `${sb.url}/ATServicesRest/`;
}

export function credentialsOf(sb: Sandbox): PsaCredentials {
  return {
    username: sb.apiUser.username,
    secret: sb.apiUser.secret,
    integrationCode: sb.apiUser.integrationCode,
  };
}

export interface Harness {
  readonly provider: AutotaskProvider;
  readonly connection: PsaConnection;
  readonly calls: PsaCallEvent[];
  readonly paces: PsaPaceEvent[];
  /** Requests that reached Autotask (every attempt), excluding unauthenticated zone lookups. */
  count(endpointPrefix?: string): number;
  close(): Promise<void>;
}

export function connect(
  sb: Sandbox,
  options: {
    credentials?: Partial<PsaCredentials>;
    config?: AutotaskProviderConfig;
    connectorId?: string;
  } = {},
): Harness {
  const provider = createAutotaskProvider({
    discoveryBaseUrl: discoveryBase(sb),
    ...fastRetries,
    ...options.config,
  });
  const calls: PsaCallEvent[] = [];
  const paces: PsaPaceEvent[] = [];
  const connection = provider.connect(
    { ...credentialsOf(sb), ...options.credentials },
    {
      connectorId: options.connectorId ?? 'connector-test',
      onCall: (event) => calls.push(event),
      onPace: (event) => paces.push(event),
    },
  );
  return {
    provider,
    connection,
    calls,
    paces,
    count: (prefix) =>
      calls.filter(
        (c) => c.endpoint !== 'zoneInformation' && (prefix === undefined || c.endpoint.startsWith(prefix)),
      ).length,
    close: async () => {
      await connection.close();
      await provider.close();
    },
  };
}

/** Collects every page of companies, failing the test on an error. */
export async function allCompanies(connection: PsaConnection): Promise<PsaCompany[]> {
  const out: PsaCompany[] = [];
  for await (const page of connection.listCompanies()) {
    if (!page.ok) throw new Error(`listCompanies failed: ${page.error.code} ${page.error.message}`);
    out.push(...page.value);
  }
  return out;
}

/** Today's calendar date in the sandbox tenant's zone (America/New_York). */
export function tenantToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(now);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
