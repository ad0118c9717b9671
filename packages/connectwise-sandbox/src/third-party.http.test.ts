import { readFileSync } from 'node:fs';
import { globalAgent } from 'node:https';
import { ManageAPI } from 'connectwise-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { hasOpenssl } from './testing/openssl.js';
import type { Sandbox } from './types.js';

// connectwise-rest (npm, a third-party client) pointed at the sandbox unchanged: it hard-codes
// https://{companyUrl}/{entryPoint}/apis/3.0, so this runs the sandbox with --tls and trusts its
// certificate through the global HTTPS agent (axios uses it when given no agent of its own).

const canServeHttps = hasOpenssl();
let sandbox: Sandbox;
let cwm: InstanceType<typeof ManageAPI>;
let previousCa: unknown;

beforeAll(async () => {
  if (!canServeHttps) return;
  sandbox = await startSandbox({ port: 0, seed: 'demo', tls: true });
  previousCa = globalAgent.options.ca;
  globalAgent.options.ca = readFileSync(sandbox.caFile ?? '', 'utf8');
  const c = sandbox.credentials;
  cwm = new ManageAPI({
    companyId: c.companyId,
    publicKey: c.publicKey,
    privateKey: c.privateKey,
    companyUrl: c.site,
    clientId: c.clientId,
    entryPoint: c.codebase.replace(/\/$/, ''),
    logger: () => undefined,
  });
});
afterAll(async () => {
  if (!canServeHttps) return;
  globalAgent.options.ca = previousCa as string | undefined;
  await sandbox.close();
});

describe.skipIf(!canServeHttps)('connectwise-rest against the sandbox', () => {
  it('lists companies with conditions and paginates agreements', async () => {
    const companies = await cwm.CompanyAPI.getCompanyCompanies({
      conditions: 'deletedFlag = false and name like "Acme%"',
      fields: 'id,name,identifier',
    });
    expect(companies).toEqual([{ id: 250, identifier: 'AcmeCorporation', name: 'Acme Corporation' }]);

    const all = (await cwm.paginate(
      // paginate() binds the method it is given to the client itself, as its README shows.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      cwm.FinanceAPI.getFinanceAgreements,
      { pageSize: 7 },
      { orderBy: 'id asc' },
    )) as {
      id: number;
    }[];
    const count = await cwm.FinanceAPI.getFinanceAgreementsCount();
    expect(all).toHaveLength(count.count ?? -1);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
  });

  it('reads, creates and patches agreement additions', async () => {
    const before = await cwm.FinanceAPI.getFinanceAgreementsByParentIdAdditionsCount(3003);
    const created = await cwm.FinanceAPI.postFinanceAgreementsByParentIdAdditions(3003, {
      product: { identifier: 'CORO-MDM' },
      billCustomer: 'Billable',
      quantity: 9,
      effectiveDate: '2026-07-01T00:00:00Z',
    });
    expect(created).toMatchObject({ quantity: 9, product: { identifier: 'CORO-MDM' } });
    type Operations = Parameters<typeof cwm.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById>[2];
    const patched = await cwm.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(
      created.id ?? 0,
      3003,
      // The library types `value` as an object; the API (and the library at run time) takes any JSON.
      [{ op: 'replace', path: 'quantity', value: 12 }] as unknown as Operations,
    );
    expect(patched.quantity).toBe(12);
    const after = await cwm.FinanceAPI.getFinanceAgreementsByParentIdAdditionsCount(3003);
    expect(after.count).toBe((before.count ?? 0) + 1);
    const catalog = await cwm.ProcurementAPI.getProcurementCatalog({
      conditions: 'inactiveFlag = false',
      pageSize: 1000,
    });
    expect(catalog.some((item) => item.identifier === 'CORO-MDM')).toBe(true);
  });

  it("surfaces the sandbox's error bodies and statuses unchanged", async () => {
    const failure: unknown = await cwm.FinanceAPI.postFinanceAgreementsByParentIdAdditions(3003, {
      billCustomer: 'Billable',
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      status: 400,
      data: { code: 'InvalidObject', errors: [{ field: 'product' }] },
    });

    sandbox.admin.setFaults([{ kind: '429', count: 1, retryAfterSeconds: 3 }]);
    const limited: unknown = await cwm.CompanyAPI.getCompanyCompaniesCount().catch((error: unknown) => error);
    expect(limited).toMatchObject({ status: 429 });
    expect(await cwm.CompanyAPI.getCompanyCompaniesCount()).toEqual({ count: 44 });
  });
});
