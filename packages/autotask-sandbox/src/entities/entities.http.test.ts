import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { errorsOf, RawApi } from '../testing/api-client.js';
import type { Sandbox } from '../types.js';

let sandbox: Sandbox;
let api: RawApi;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.admin.reset('demo'));

const notSupported = (method: string): unknown => ({
  Message: `The requested resource does not support http method '${method}'.`,
});

describe('verbs per endpoint (reference §6.2)', () => {
  it.each([
    ['PATCH', 'Companies/174'],
    ['PUT', 'Contracts/1001'],
    ['GET', 'Companies'],
    ['DELETE', 'Companies/174'],
    ['DELETE', 'Contracts/1001'],
    ['POST', 'ContractServices'],
    ['PATCH', 'ContractServices'],
    ['POST', 'ContractServiceUnits'],
    ['POST', 'BillingCodes'],
    ['PATCH', 'Currencies'],
    ['GET', 'ContractServiceAdjustments/1'],
    ['POST', 'ContractServiceAdjustments/query'],
    ['DELETE', 'Contracts/1001/Services'],
    ['POST', 'Contracts/1001/ServiceUnits'],
    ['GET', 'Contracts/1001/ServiceAdjustments'],
    ['PATCH', 'Companies/entityInformation'],
  ])('%s %s → 405', async (method, path) => {
    const reply = await api.call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(reply.status).toBe(405);
    expect(reply.json).toEqual(notSupported(method));
  });
});

describe('envelopes', () => {
  it('GET by id → {item} with every field present, camelCase, nulls kept, UDF array', async () => {
    const reply = await api.get('Companies/174');
    expect(reply.status).toBe(200);
    const item = (reply.json as { item: Record<string, unknown> }).item;
    expect(item).toMatchObject({
      id: 174,
      companyName: 'Acme Corporation',
      companyType: 1,
      isActive: true,
      fax: null,
      userDefinedFields: [{ name: 'Customer Ranking', value: 'Gold' }],
    });
    expect(Object.keys(item)).toContain('billToCompanyLocationID');
    expect(item.createDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });

  it('GET by unknown id → 200 {"item":null}', async () => {
    const reply = await api.get('Companies/999999');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ item: null });
  });

  it('date-only fields print as midnight Z, decimals as numbers', async () => {
    const contract = ((await api.get('Contracts/1001')).json as { item: Record<string, unknown> }).item;
    expect(contract.startDate).toBe(`${year}-01-01T00:00:00Z`);
    expect(contract.endDate).toBe(`${year + 1}-12-31T00:00:00Z`);
    expect(contract.contractType).toBe(7);
    expect(contract.contractPeriodType).toBe(1);
    expect(typeof contract.estimatedRevenue).toBe('number');
  });

  it('child routes return the items envelope', async () => {
    const reply = await api.get('Contracts/1001/Services');
    const body = reply.json as {
      items: { contractID: number; serviceID: number }[];
      pageDetails: Record<string, unknown>;
    };
    expect(body.items.length).toBe(12);
    expect(body.items.every((cs) => cs.contractID === 1001)).toBe(true);
    expect(body.pageDetails).toEqual({ count: 12, requestCount: 500, prevPageUrl: null, nextPageUrl: null });
    const one = await api.get(
      `Contracts/1001/Services/${String(body.items[0] && (body.items[0] as unknown as { id: number }).id)}`,
    );
    expect((one.json as { item: { contractID: number } }).item.contractID).toBe(1001);
    expect(((await api.get('Contracts/1002/Services/5001')).json as { item: unknown }).item).toBeNull();
    const units = (await api.get('Contracts/1001/ServiceUnits')).json as { items: unknown[] };
    expect(units.items).toHaveLength(12 * 24);
    const bundle = (await api.get('ServiceBundles/301/Services')).json as { items: unknown[] };
    expect(bundle.items).toHaveLength(3);
  });

  it('malformed JSON → 400 {errors}', async () => {
    const reply = await api.call('POST', 'Companies', '{"companyName": ');
    expect(reply.status).toBe(400);
    expect(errorsOf(reply).length).toBe(1);
  });
});

describe('metadata', () => {
  it('entityInformation', async () => {
    const reply = await api.get('Contracts/entityInformation');
    expect(reply.json).toMatchObject({
      info: {
        name: 'Contract',
        canCreate: true,
        canDelete: false,
        canQuery: true,
        canUpdate: true,
        hasUserDefinedFields: true,
      },
    });
  });

  it('fields with string picklist values incl. contractType 7 = Recurring Service', async () => {
    const reply = await api.get('Contracts/entityInformation/fields');
    const fields = (
      reply.json as {
        fields: {
          name: string;
          isPickList: boolean;
          isRequired: boolean;
          picklistValues: { value: string; label: string }[] | null;
        }[];
      }
    ).fields;
    const contractType = fields.find((f) => f.name === 'contractType');
    expect(contractType?.isPickList).toBe(true);
    expect(contractType?.isRequired).toBe(true);
    expect(contractType?.picklistValues).toContainEqual(
      expect.objectContaining({ value: '7', label: 'Recurring Service' }),
    );
    for (const name of ['status', 'contractPeriodType', 'timeReportingRequiresStartAndStopTimes']) {
      expect(
        fields.find((f) => f.name === name)?.picklistValues?.every((p) => typeof p.value === 'string'),
        name,
      ).toBe(true);
    }
    const companyFields = (await api.get('Companies/entityInformation/fields')).json as {
      fields: { name: string; picklistValues: unknown }[];
    };
    expect(companyFields.fields.find((f) => f.name === 'companyType')?.picklistValues).toContainEqual(
      expect.objectContaining({ value: '7', label: 'Vendor' }),
    );
    const childForm = await api.get('Contracts/1001/Services/entityInformation/fields');
    expect(childForm.status).toBe(200);
  });

  it('userDefinedFields', async () => {
    const udfs = (await api.get('Companies/entityInformation/userDefinedFields')).json as {
      fields: Record<string, unknown>[];
    };
    expect(udfs.fields).toEqual([
      expect.objectContaining({ name: 'Customer Ranking', type: 'string', isQueryable: true }),
    ]);
    expect((await api.get('Services/entityInformation/userDefinedFields')).json).toEqual({ fields: [] });
  });
});

describe('user-defined fields', () => {
  it('returns every UDF (null when unset) and filters on one UDF per query', async () => {
    const blank = ((await api.get('Companies/190')).json as { item: { userDefinedFields: unknown } }).item;
    expect(blank.userDefinedFields).toEqual([{ name: 'Customer Ranking', value: null }]);
    const gold = await api.query('Companies', [
      { op: 'eq', field: 'customer ranking', udf: true, value: 'GOLD' },
    ]);
    expect(gold.map((c) => c.id)).toEqual([174, 176]);
    const two = await api.post('Companies/query', {
      filter: [
        { op: 'exist', field: 'Customer Ranking', udf: true },
        { op: 'exist', field: 'Customer Ranking', udf: true },
      ],
    });
    expect(errorsOf(two)).toEqual(['You can only query by one user-defined field at a time.']);
    const unknown = await api.post('Companies/query', {
      filter: [{ op: 'eq', field: 'Tier', udf: true, value: 'x' }],
    });
    expect(errorsOf(unknown)).toEqual(['Unable to find Tier in the Company Entity']);
  });

  it('writes UDFs through the userDefinedFields array; flat keys fail', async () => {
    const patched = await api.call('PATCH', 'Companies', {
      id: 190,
      userDefinedFields: [{ name: 'customer ranking', value: 'Bronze' }],
    });
    expect(patched.status).toBe(200);
    expect(
      await api.query('Companies', [{ op: 'eq', field: 'Customer Ranking', udf: true, value: 'bronze' }]),
    ).toHaveLength(1);
    const flat = await api.call('PATCH', 'Companies', { id: 190, CustomerRanking: 'Gold' });
    expect(errorsOf(flat)).toEqual(['Unable to find CustomerRanking in the Company Entity']);
    const unknownUdf = await api.call('PATCH', 'Companies', {
      id: 190,
      userDefinedFields: [{ name: 'Tier', value: '1' }],
    });
    expect(unknownUdf.status).toBe(500);
  });
});

describe('writes and validation', () => {
  const contract = {
    companyID: 174,
    contractName: 'New Recurring',
    contractType: 7,
    contractPeriodType: 1,
    status: 1,
    startDate: `${year}-01-01T00:00:00`,
    endDate: `${year}-12-31`,
    timeReportingRequiresStartAndStopTimes: 0,
  };

  it('creates return 200 {itemId} and PATCH/PUT go to the collection with the id in the body', async () => {
    const created = await api.post('Companies', {
      companyName: 'Newco',
      companyType: 3,
      phone: '555-0100',
      ownerResourceID: 29682885,
    });
    expect(created.status).toBe(200);
    const id = (created.json as { itemId: number }).itemId;
    const patched = await api.call('PATCH', 'Companies', { id, city: 'Worcester' });
    expect(patched.json).toEqual({ itemId: id });
    const item = ((await api.get(`Companies/${id}`)).json as { item: Record<string, unknown> }).item;
    expect(item).toMatchObject({ companyName: 'Newco', city: 'Worcester', isActive: true });
    // PUT replaces: the omitted city becomes null.
    await api.call('PUT', 'Companies', {
      id,
      companyName: 'Newco',
      companyType: 3,
      phone: '555-0100',
      ownerResourceID: 29682885,
    });
    expect(
      ((await api.get(`Companies/${id}`)).json as { item: Record<string, unknown> }).item.city,
    ).toBeNull();
  });

  it('rejects unknown fields and missing required fields with 500 {errors}', async () => {
    const unknown = await api.post('Companies', { companyName: 'X', accountName: 'Y' });
    expect(unknown.status).toBe(500);
    expect(errorsOf(unknown)).toEqual(['Unable to find accountName in the Company Entity']);
    const missing = await api.post('Contracts', { companyID: 174, contractName: 'Incomplete' });
    expect(missing.status).toBe(500);
    expect(errorsOf(missing)[0]).toMatch(
      /contractType.*startDate.*endDate.*status.*timeReportingRequiresStartAndStopTimes|Missing required/,
    );
  });

  it('contracts: create, then contractType and companyID are immutable', async () => {
    const created = await api.post('Contracts', contract);
    expect(created.status).toBe(200);
    const id = (created.json as { itemId: number }).itemId;
    const item = ((await api.get(`Contracts/${id}`)).json as { item: Record<string, unknown> }).item;
    // A bare date carries no instant; a local midnight without offset is UTC and shifts a day back in New York.
    expect(item.endDate).toBe(`${year}-12-31T00:00:00Z`);
    expect(item.startDate).toBe(`${year - 1}-12-31T00:00:00Z`);
    for (const change of [{ contractType: 1 }, { companyID: 175 }]) {
      const reply = await api.call('PATCH', 'Contracts', { id, ...change });
      expect(reply.status).toBe(500);
      expect(errorsOf(reply)[0]).toMatch(/read-only/);
    }
  });

  it('contract services only on Recurring Service contracts, only price/description updatable', async () => {
    const tm = await api.post('Contracts/1040/Services', { serviceID: 201 });
    expect(tm.status).toBe(500);
    expect(errorsOf(tm)[0]).toMatch(/Recurring Service/);
    const added = await api.post('Contracts/1002/Services', { serviceID: 204, contractID: 1002 });
    expect(added.status).toBe(200);
    const csId = (added.json as { itemId: number }).itemId;
    const updated = await api.call('PATCH', 'Contracts/1002/Services', {
      id: csId,
      adjustedPrice: 3.25,
      invoiceDescription: 'Cloud',
    });
    expect(updated.json).toEqual({ itemId: csId });
    const cs = ((await api.get(`ContractServices/${csId}`)).json as { item: Record<string, unknown> }).item;
    expect(cs).toMatchObject({ unitPrice: 3.25, invoiceDescription: 'Cloud', serviceID: 204 });
    const illegal = await api.call('PATCH', 'Contracts/1002/Services', { id: csId, unitCost: 1 });
    expect(illegal.status).toBe(500);
    const duplicate = await api.post('Contracts/1002/Services', { serviceID: 204 });
    expect(duplicate.status).toBe(500);
  });

  it('services need an active Recurring Contract Service billing code', async () => {
    const base = { name: 'Coro Extra', periodType: 1, unitPrice: 1 };
    expect((await api.post('Services', { ...base, billingCodeID: 29682801 })).status).toBe(200);
    const labor = await api.post('Services', { ...base, name: 'Other', billingCodeID: 29682803 });
    expect(errorsOf(labor)[0]).toMatch(/Recurring Contract Service/);
    const retired = await api.post('Services', { ...base, name: 'Other', billingCodeID: 29682804 });
    expect(retired.status).toBe(500);
  });

  it('configuration items: companyID is immutable', async () => {
    const created = await api.post('ConfigurationItems', {
      companyID: 174,
      configurationItemType: 1,
      isActive: true,
      referenceTitle: 'LT-9',
    });
    const id = (created.json as { itemId: number }).itemId;
    expect((await api.call('PATCH', 'ConfigurationItems', { id, companyID: 175 })).status).toBe(500);
    expect((await api.call('PATCH', 'ConfigurationItems', { id, serialNumber: 'SN-9' })).status).toBe(200);
  });

  it('service bundles can be deleted, and their service list edited via the child URL', async () => {
    const link = await api.post('ServiceBundles/301/Services', { serviceID: 204 });
    expect(link.status).toBe(200);
    const linkId = (link.json as { itemId: number }).itemId;
    expect((await api.call('DELETE', `ServiceBundles/301/Services/${linkId}`)).json).toEqual({
      itemId: linkId,
    });
    const bundle = (await api.get('ServiceBundles/301/Services')).json as { items: { id: number }[] };
    for (const item of bundle.items.slice(1))
      expect((await api.call('DELETE', `ServiceBundles/301/Services/${item.id}`)).status).toBe(200);
    const last = await api.call('DELETE', `ServiceBundles/301/Services/${bundle.items[0]?.id ?? 0}`);
    expect(errorsOf(last)[0]).toMatch(/last service/);
    expect((await api.call('DELETE', 'ServiceBundles/301')).json).toEqual({ itemId: 301 });
    expect(((await api.get('ServiceBundles/301/Services')).json as { items: unknown[] }).items).toHaveLength(
      0,
    );
    expect(((await api.get('ServiceBundles/301')).json as { item: unknown }).item).toBeNull();
  });
});
