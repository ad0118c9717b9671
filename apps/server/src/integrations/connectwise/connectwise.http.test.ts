/** The ConnectWise provider against the real ConnectWise sandbox over HTTPS. */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { PsaResult } from '../../psa/psa-provider.port.js';
import { useCwSandbox } from './connectwise.test-support.js';

function value<T>(result: PsaResult<T>): T {
  if (!result.ok)
    throw new Error(`${result.error.code}: ${result.error.message} ${result.error.detail ?? ''}`);
  return result.value;
}

describe('ConnectWise verify', () => {
  const cw = useCwSandbox('demo');

  it('accepts good credentials and names the tenant by site and company', async () => {
    const { connection } = cw.connect();
    const verified = value(await connection.verify());
    expect(verified.tenantId).toBe(`${cw.sandbox().credentials.site}/northwind`);
  });

  it.each([
    ['unknown company', { fields: { companyId: 'nosuchco' } }, 'zone_unknown', /company ID/],
    ['bad private key', { fields: { privateKey: 'wrong-key' } }, 'bad_secret', /API Members/],
    ['bad public key', { fields: { publicKey: 'WrongPub' } }, 'bad_secret', /API Keys/],
    [
      'unregistered clientId',
      { clientId: 'f00f00f0-0000-4000-8000-000000000000' },
      'bad_integration_code',
      /clientId|CLIENT_ID/,
    ],
  ] as const)('%s → %s with advice', async (_, options, code, advice) => {
    const { connection } = cw.connect(options);
    const result = await connection.verify();
    expect(result.ok ? null : result.error.code).toBe(code);
    expect(result.ok ? '' : result.error.advice).toMatch(advice);
  });

  it('a security role without Finance › Agreements fails verify as permission_denied', async () => {
    cw.sandbox().admin.addApiMember({
      publicKey: 'NoFinPub',
      privateKey: 'NoFinPriv',
      role: { finance: 'none' },
    });
    const { connection } = cw.connect({ fields: { publicKey: 'NoFinPub', privateKey: 'NoFinPriv' } });
    const result = await connection.verify();
    expect(result.ok ? null : result.error.code).toBe('permission_denied');
    expect(result.ok ? '' : result.error.advice).toMatch(/Security Roles/);
  });
});

describe('ConnectWise reads and writes', () => {
  const cw = useCwSandbox('demo');

  it('pages companies by Link headers and batches agreements with `in` lists', async () => {
    const { connection, calls } = cw.connect({ config: { pageSize: 3, idsPerQuery: 2 } });
    const pages = [];
    for await (const page of connection.listCompanies()) pages.push(value(page));
    const companies = pages.flat();
    expect(pages.length).toBe(Math.ceil(companies.length / 3));
    expect(companies.map((c) => c.name)).toContain('Acme Corporation');
    const ids = companies.map((c) => c.id);
    const contracts = value(await connection.readContracts(ids));
    expect(new Set(contracts.map((c) => c.companyId)).size).toBeGreaterThan(3);
    const agreementReads = calls.filter((c) => c.entity === 'finance/agreements');
    expect(agreementReads.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / 2));
    const blockTime = contracts.find((c) => c.name === 'Acme Corporation - Block Time');
    expect(blockTime?.isRecurringService).toBe(false);
  });

  it('reads catalog items, lines and units; the cancelled addition is not a line', async () => {
    const { connection } = cw.connect();
    const services = value(await connection.listServices());
    const endpoint = services.find((s) => s.name === 'Coro Endpoint Security');
    expect(endpoint?.unitPrice).toBe(6);
    const lines = value(await connection.readContractServices(['3001']));
    expect(lines.filter((l) => l.serviceId === endpoint?.id)).toHaveLength(1);
    const units = value(await connection.readUnits(['3001'], '2026-12-03'));
    expect(units.find((u) => u.serviceId === endpoint?.id)?.units).toBe(49);
  });

  it('a write PATCHes the quantity once; a re-read sees it', async () => {
    const { connection } = cw.connect();
    const [line] = value(await connection.readUnits(['3001'], '2026-12-03'));
    if (line === undefined) throw new Error('no addition on 3001');
    const done = value(
      await connection.createUnitAdjustment({
        contractId: '3001',
        serviceId: line.serviceId,
        contractServiceId: line.contractServiceId,
        unitChange: -4,
        effectiveDate: '2026-12-03',
      }),
    );
    expect(done.id).toBe(line.contractServiceId);
    const writes = cw.sandbox().admin.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body).toEqual([{ op: 'replace', path: 'quantity', value: line.units - 4 }]);
    const after = value(await connection.readUnits(['3001'], '2026-12-03'));
    expect(after.find((u) => u.id === line.id)?.units).toBe(line.units - 4);
  });

  it("a sync reads each agreement's additions once for its lines and units; a later re-read asks again", async () => {
    const { connection, calls } = cw.connect();
    const agreements = ['3001', '3002', '3003'];
    const additionReads = (): number =>
      calls.filter((c) => c.entity === 'finance/agreements/additions' && c.method === 'GET').length;
    const lines = value(await connection.readContractServices(agreements));
    expect(additionReads()).toBe(agreements.length);
    const units = value(await connection.readUnits(agreements, '2026-12-03'));
    expect(additionReads()).toBe(agreements.length);
    expect(new Set(units.map((u) => u.contractId))).toEqual(new Set(lines.map((l) => l.contractId)));
    // The hand-over is spent: the ledger's re-read after a write sees ConnectWise, not the memory.
    value(await connection.readUnits(['3001'], '2026-12-03'));
    expect(additionReads()).toBe(agreements.length + 1);
  });

  it('a write PATCHes from the quantity last read, without a GET; after a failed write it reads first', async () => {
    const { connection, calls } = cw.connect();
    const [line] = value(await connection.readUnits(['3001'], '2026-12-03'));
    if (line === undefined) throw new Error('no addition on 3001');
    const written = (): string[] =>
      calls.filter((c) => c.entity === 'finance/agreements/additions').map((c) => c.method);
    const before = written().length;
    const adjust = (unitChange: number) =>
      connection.createUnitAdjustment({
        contractId: '3001',
        serviceId: line.serviceId,
        contractServiceId: line.contractServiceId,
        unitChange,
        effectiveDate: '2026-12-03',
      });
    value(await adjust(2));
    expect(written().slice(before)).toEqual(['PATCH']);
    cw.sandbox().admin.setFaults([{ kind: '500', method: 'PATCH', count: 1 }]);
    expect((await adjust(3)).ok).toBe(false);
    value(await adjust(3));
    expect(written().slice(before)).toEqual(['PATCH', 'PATCH', 'GET', 'PATCH']);
    expect(
      cw
        .sandbox()
        .admin.writes()
        .map((w) => w.body),
    ).toEqual([
      [{ op: 'replace', path: 'quantity', value: line.units + 2 }],
      [{ op: 'replace', path: 'quantity', value: line.units + 5 }],
    ]);
  });

  it('reports included units (lessIncluded) so no one prices the whole delta', async () => {
    const { connection } = cw.connect();
    const [line] = value(await connection.readUnits(['3001'], '2026-12-03'));
    if (line === undefined) throw new Error('no addition on 3001');
    expect(line.includedUnits ?? 0).toBe(0);
    // Set lessIncluded through ConnectWise's own API, as an admin in ConnectWise would.
    const { url, credentials: c, caFile } = cw.sandbox();
    const dispatcher = new Agent({ connect: { ca: readFileSync(caFile ?? '', 'utf8') } });
    const user = `${c.companyId}+${c.publicKey}:${c.privateKey}`;
    const patched = await request(
      `${url}/${c.codebase}apis/3.0/finance/agreements/3001/additions/${line.contractServiceId}`,
      {
        method: 'PATCH',
        dispatcher,
        headers: {
          authorization: `Basic ${Buffer.from(user).toString('base64')}`,
          clientid: c.clientId,
          'content-type': 'application/json',
        },
        body: JSON.stringify([{ op: 'replace', path: 'lessIncluded', value: 5 }]),
      },
    );
    await patched.body.dump();
    await dispatcher.close();
    expect(patched.statusCode).toBe(200);
    const after = value(await connection.readUnits(['3001'], '2026-12-03'));
    const same = after.find((u) => u.id === line.id);
    expect(same?.includedUnits).toBe(5);
    expect(same?.units).toBe(line.units);
  });

  it('waits out 429 Retry-After on reads and retries 5xx', async () => {
    cw.sandbox().admin.setFaults([
      { kind: '429', path: 'procurement/catalog', count: 1, retryAfterSeconds: 2 },
      { kind: '503', path: 'procurement/catalog', count: 1 },
    ]);
    const waits: number[] = [];
    const { connection, calls } = cw.connect({
      config: { sleep: (ms) => (waits.push(ms), Promise.resolve()) },
    });
    expect(value(await connection.listServices()).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.outcome === 'retry').map((c) => c.status)).toEqual([429, 503]);
    expect(waits[0]).toBe(2000);
  });

  it('a write that may have been applied comes back ambiguous and is not repeated', async () => {
    const { connection } = cw.connect({ config: { requestTimeoutMs: 2_000 } });
    const [line] = value(await connection.readUnits(['3001'], '2026-12-03'));
    if (line === undefined) throw new Error('no addition on 3001');
    cw.sandbox().admin.setFaults([{ kind: 'commit-then-drop', method: 'PATCH', count: 1 }]);
    const result = await connection.createUnitAdjustment({
      contractId: '3001',
      serviceId: line.serviceId,
      contractServiceId: line.contractServiceId,
      unitChange: 1,
      effectiveDate: '2026-12-03',
    });
    expect(result.ok ? null : result.error.isAmbiguous).toBe(true);
    expect(cw.sandbox().admin.writes()).toHaveLength(1);
    // The re-read the ledger does before deciding: the change landed.
    const after = value(await connection.readUnits(['3001'], '2026-12-03'));
    expect(after.find((u) => u.id === line.id)?.units).toBe(line.units + 1);
  });

  it('a 5xx on a write is not repeated', async () => {
    const { connection } = cw.connect();
    const [line] = value(await connection.readUnits(['3001'], '2026-12-03'));
    if (line === undefined) throw new Error('no addition on 3001');
    cw.sandbox().admin.setFaults([{ kind: '500', method: 'PATCH', count: 1 }]);
    const result = await connection.createUnitAdjustment({
      contractId: '3001',
      serviceId: line.serviceId,
      contractServiceId: line.contractServiceId,
      unitChange: 1,
      effectiveDate: '2026-12-03',
    });
    expect(result.ok ? null : result.error.code).toBe('unavailable');
    expect(cw.sandbox().admin.writes()).toHaveLength(0);
  });
});
