/**
 * Shared set-up for the `*.http.test.ts` files: a real sandbox over loopback and a provider
 * pointed at it. Test-only (imports the sandbox, which production code never does).
 */
import { startSandbox } from 'autotask-sandbox';
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

export { startSandbox };

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
