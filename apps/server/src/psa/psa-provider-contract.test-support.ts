/**
 * The behaviours every PSA provider owes the domain, as one `describe` run against each provider
 * and its own sandbox over real HTTP (`integrations/<psa>/<psa>.contract.http.test.ts`). It speaks
 * only the port: the per-PSA file supplies a `PsaContractSubject` that knows the sandbox (faults,
 * state) and which demo target to use, so this file never learns a PSA's fields. Test-only.
 *
 * The list is what the Autotask tests established first: verify with typed failure codes, paged
 * and incremental lookups, contracts → lines → units, a units delta written once and read back
 * (by the provider and by the sandbox's own state), writes never retried blindly, 429 waited out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PsaCallEvent, PsaConnection, PsaErrorCode, PsaResult } from './psa-provider.port.js';

export interface PsaContractHarness {
  readonly connection: PsaConnection;
  /** Every request the provider reported (`onCall`), retries included. */
  readonly calls: PsaCallEvent[];
  /** Companies per page this connection asks for (the PSA's own size when it cannot be chosen). */
  readonly pageSize: number;
}

/** Faults in the contract's words; the subject translates them into its sandbox's rules. */
export type PsaContractFault =
  /** reads of companies answer 429 (with a zero or tiny Retry-After) `count` times, then succeed */
  | { readonly kind: 'read-429'; readonly count: number }
  /** the next unit write is applied by the PSA but its answer is lost */
  | { readonly kind: 'write-commit-then-drop' }
  /** the next unit write is refused with a 5xx before anything is applied */
  | { readonly kind: 'write-5xx' };

export interface PsaContractSubject {
  /** The PSA's name in test titles. */
  readonly label: string;
  /** A fresh connection to the sandbox; `bad` swaps one credential for a wrong one. */
  connect(options?: {
    bad?: 'secret' | 'integrationCode';
    /** a small page size where the provider lets us choose one, to see paging on the demo seed */
    pageSize?: number;
  }): PsaContractHarness;
  /** The failure codes this PSA reports for a wrong secret and a wrong integration code. */
  readonly badCredentialCodes: { readonly secret: PsaErrorCode; readonly integrationCode: PsaErrorCode };
  /** A company on the demo seed with an active recurring contract carrying at least one line. */
  readonly demoCompanyName: string;
  /** The tenant's calendar date today (writes are dated in the PSA's zone). */
  today(): string;
  /** Back to the seed, no faults. */
  reset(): void | Promise<void>;
  fault(fault: PsaContractFault): void;
  /** Unit writes the sandbox applied (a write refused before applying is not one). */
  writesReceived(): number;
  /** Units in force per the sandbox's own state, read without the provider. */
  sandboxUnits(target: ContractTarget, onDate: string): Promise<number | null>;
  close(): Promise<void>;
}

export interface ContractTarget {
  readonly contractId: string;
  readonly serviceId: string;
  readonly contractServiceId: string;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function value<T>(result: PsaResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function companies(
  connection: PsaConnection,
): Promise<{ pages: number; ids: string[]; names: string[] }> {
  let pages = 0;
  const ids: string[] = [];
  const names: string[] = [];
  for await (const page of connection.listCompanies()) {
    pages++;
    for (const c of value(page)) {
      ids.push(c.id);
      names.push(c.name);
    }
  }
  return { pages, ids, names };
}

export function describePsaProviderContract(setup: () => Promise<PsaContractSubject>): void {
  let subject: PsaContractSubject | undefined;
  const s = (): PsaContractSubject => {
    if (subject === undefined) throw new Error('the subject exists only inside tests and hooks');
    return subject;
  };
  const opened: PsaConnection[] = [];
  const connect = (options?: Parameters<PsaContractSubject['connect']>[0]): PsaContractHarness => {
    const h = s().connect(options);
    opened.push(h.connection);
    return h;
  };
  beforeAll(async () => {
    subject = await setup();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await subject?.close();
  });
  beforeEach(async () => {
    await s().reset();
  });

  /** The demo company's first recurring contract line, found through the port only. */
  async function demoTarget(connection: PsaConnection): Promise<ContractTarget & { units: number }> {
    const all = await companies(connection);
    const companyId = all.ids[all.names.indexOf(s().demoCompanyName)];
    if (companyId === undefined) throw new Error(`${s().demoCompanyName} is not in the demo seed`);
    const contract = value(await connection.readContracts([companyId])).find(
      (c) => c.isRecurringService && c.isActive,
    );
    if (contract === undefined) throw new Error('no active recurring contract');
    const line = value(await connection.readContractServices([contract.id]))[0];
    if (line === undefined) throw new Error('no contract line');
    const window = value(await connection.readUnits([contract.id], s().today())).find(
      (w) => w.contractServiceId === line.id,
    );
    return {
      contractId: contract.id,
      serviceId: line.serviceId,
      contractServiceId: line.id,
      units: window?.units ?? 0,
    };
  }

  describe('PSA provider contract', () => {
    it('verifies good credentials and names a tenant', async () => {
      const verified = value(await connect().connection.verify());
      expect(verified.tenantId).not.toBe('');
    });

    it.each(['secret', 'integrationCode'] as const)(
      'a wrong %s fails verify with its typed code and advice',
      async (bad) => {
        const result = await connect({ bad }).connection.verify();
        expect(result.ok ? null : result.error.code).toBe(s().badCredentialCodes[bad]);
        expect(result.ok ? '' : result.error.advice).not.toBe('');
      },
    );

    it('pages companies and filters them by modification time', async () => {
      const { connection, pageSize } = connect({ pageSize: 5 });
      const all = await companies(connection);
      expect(all.ids.length).toBeGreaterThan(10);
      expect(all.pages).toBe(Math.ceil(all.ids.length / pageSize));
      expect(new Set(all.ids).size).toBe(all.ids.length);
      const future: string[] = [];
      for await (const page of connection.listCompanies({ modifiedSince: '2999-01-01T00:00:00Z' }))
        future.push(...value(page).map((c) => c.id));
      expect(future).toStrictEqual([]);
      const bad = await connection
        .listCompanies({ modifiedSince: 'yesterday' })
        [Symbol.asyncIterator]()
        .next();
      expect(bad.value).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    });

    it('lists services with names, activity and prices or null', async () => {
      const services = value(await connect().connection.listServices());
      expect(services.map((x) => x.name)).toEqual(expect.arrayContaining(['Coro Endpoint Security']));
      expect(services.every((x) => x.unitPrice === null || typeof x.unitPrice === 'number')).toBe(true);
    });

    it('reads contracts, their lines and the units in force, agreeing with the sandbox', async () => {
      const { connection } = connect();
      const target = await demoTarget(connection);
      expect(target.units).toBeGreaterThan(0);
      expect(await s().sandboxUnits(target, s().today())).toBe(target.units);
    });

    it('writes a positive and a negative units delta, each read back by the provider and the sandbox', async () => {
      const { connection } = connect();
      const target = await demoTarget(connection);
      // One change per day and line, as the planner writes them (a second one defers to tomorrow).
      const steps = [
        { unitChange: 3, on: addDays(s().today(), 1) },
        { unitChange: -5, on: addDays(s().today(), 2) },
      ];
      let expected = target.units;
      for (const { unitChange, on } of steps) {
        value(await connection.createUnitAdjustment({ ...target, unitChange, effectiveDate: on }));
        expected += unitChange;
        const after = value(await connection.readUnits([target.contractId], on)).find(
          (w) => w.contractServiceId === target.contractServiceId,
        );
        expect(after?.units).toBe(expected);
        expect(await s().sandboxUnits(target, on)).toBe(expected);
      }
      expect(s().writesReceived()).toBe(2);
    });

    it('an ambiguous write is reported ambiguous, not repeated; a re-read shows it landed once', async () => {
      const { connection } = connect();
      const target = await demoTarget(connection);
      s().fault({ kind: 'write-commit-then-drop' });
      const result = await connection.createUnitAdjustment({
        ...target,
        unitChange: 2,
        effectiveDate: s().today(),
      });
      expect(result.ok ? null : result.error.isAmbiguous).toBe(true);
      expect(s().writesReceived()).toBe(1);
      expect(await s().sandboxUnits(target, s().today())).toBe(target.units + 2);
    });

    it('a 5xx on a write is reported, not retried, and nothing is applied', async () => {
      const { connection } = connect();
      const target = await demoTarget(connection);
      s().fault({ kind: 'write-5xx' });
      const result = await connection.createUnitAdjustment({
        ...target,
        unitChange: 2,
        effectiveDate: s().today(),
      });
      expect(result.ok ? null : result.error.code).toBe('unavailable');
      expect(result.ok ? null : result.error.isAmbiguous).toBeFalsy();
      expect(await s().sandboxUnits(target, s().today())).toBe(target.units);
    });

    it('waits out 429s on reads and then succeeds', async () => {
      s().fault({ kind: 'read-429', count: 2 });
      const { connection, calls } = connect();
      expect((await companies(connection)).ids.length).toBeGreaterThan(10);
      expect(calls.filter((c) => c.status === 429).map((c) => c.outcome)).toStrictEqual(['retry', 'retry']);
    });

    it('rejects bad input locally and empty id lists cost nothing', async () => {
      const { connection, calls } = connect();
      const results = await Promise.all([
        connection.readUnits(['1'], '2026-02-30'),
        connection.readContracts(['12a']),
        connection.createUnitAdjustment({
          contractId: '1',
          serviceId: '1',
          unitChange: 1.5,
          effectiveDate: '2026-01-01',
        }),
      ]);
      expect(results.map((r) => (r.ok ? null : r.error.code))).toStrictEqual([
        'validation_failed',
        'validation_failed',
        'validation_failed',
      ]);
      const empty = await Promise.all([
        connection.readContracts([]),
        connection.readContractServices([]),
        connection.readUnits([], '2026-01-01'),
      ]);
      expect(empty.map((r) => (r.ok ? r.value.length : -1))).toStrictEqual([0, 0, 0]);
      expect(calls).toHaveLength(0);
    });
  });
}
