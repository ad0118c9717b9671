import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { RawApi, type Row } from '../testing/api-client.js';
import type { Sandbox } from '../types.js';

let sandbox: Sandbox;
let api: RawApi;
const agreement = 'finance/agreements/3002/additions';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
beforeEach(() => {
  sandbox.admin.reset('demo');
  sandbox.admin.setClock('2026-06-15T12:00:00Z');
});
afterAll(() => sandbox.close());

interface CwErrorBody {
  code: string;
  message: string;
  errors: { code: string; message: string; resource: string; field: string }[] | null;
}

describe('POST additions', () => {
  it('201 with the record; price, cost, descriptions and uom default from the catalog item', async () => {
    const reply = await api.call('POST', agreement, {
      product: { identifier: 'CORO-MDM' },
      billCustomer: 'Billable',
      quantity: 17,
      effectiveDate: '2026-06-01T00:00:00Z',
      serialNumber: 'coro:ws-42',
    });
    expect(reply.status).toBe(201);
    const row = reply.json as Row;
    expect(row).toMatchObject({
      product: { id: 207, identifier: 'CORO-MDM' },
      quantity: 17,
      unitPrice: 3,
      unitCost: 1.5,
      billedQuantity: 17,
      extPrice: 51,
      extCost: 25.5,
      margin: 25.5,
      uom: 'Device',
      description: 'Coro MDM',
      agreementId: 3002,
      agreementStatus: 'Active',
      serialNumber: 'coro:ws-42',
      effectiveDate: '2026-06-01T00:00:00Z',
      _info: { lastUpdated: '2026-06-15T12:00:00Z', updatedBy: 'CoroAPI' },
    });
    const fetched = await api.get(`${agreement}/${String(row.id)}`);
    expect(fetched.json).toEqual(row);
    expect(sandbox.admin.writes()).toMatchObject([{ method: 'POST', agreementId: 3002, additionId: row.id }]);
  });

  it('accepts numbers sent as strings, and product by id', async () => {
    const reply = await api.call('POST', agreement, {
      product: { id: '202' },
      billCustomer: 'DoNotBill',
      quantity: '5',
      unitPrice: '4.5',
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({
      quantity: 5,
      unitPrice: 4.5,
      billCustomer: 'DoNotBill',
      extPrice: 22.5,
    });
  });

  it('validation failures are 400 InvalidObject with a field error, and nothing is stored', async () => {
    const before = ((await api.get(`${agreement}/count`)).json as { count: number }).count;
    const cases: [unknown, string, string][] = [
      [{ billCustomer: 'Billable' }, 'product', 'NullValue'],
      [{ product: { id: 201 } }, 'billCustomer', 'NullValue'],
      [{ product: { id: 201 }, billCustomer: 'Sometimes' }, 'billCustomer', 'InvalidField'],
      [{ product: { id: 99999 }, billCustomer: 'Billable' }, 'product', 'InvalidObject'],
      [{ product: { identifier: 'CORO-COMPLETE' }, billCustomer: 'Billable' }, 'product', 'InvalidObject'],
      [{ product: { identifier: 'LEGACY-AV' }, billCustomer: 'Billable' }, 'product', 'InvalidObject'],
      [{ product: { id: 201 }, billCustomer: 'Billable', quantity: -1 }, 'quantity', 'OutOfRange'],
      [{ product: { id: 201 }, billCustomer: 'Billable', quantity: 'many' }, 'quantity', 'InvalidField'],
      [
        { product: { id: 201 }, billCustomer: 'Billable', serialNumber: 'x'.repeat(51) },
        'serialNumber',
        'OutOfRange',
      ],
    ];
    for (const [body, field, code] of cases) {
      const reply = await api.call('POST', agreement, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      const error = reply.json as CwErrorBody;
      expect(error.code).toBe('InvalidObject');
      expect(error.errors?.[0]).toMatchObject({ field, code, resource: 'AgreementAddition' });
    }
    expect(((await api.get(`${agreement}/count`)).json as { count: number }).count).toBe(before);
    expect(sandbox.admin.writes()).toEqual([]);
  });

  it('a datetime with an offset is UnsupportedFormat; bad JSON and unknown agreements are refused', async () => {
    const offset = await api.call('POST', agreement, {
      product: { id: 201 },
      billCustomer: 'Billable',
      effectiveDate: '2026-06-01T00:00:00-04:00',
    });
    expect(offset.status).toBe(400);
    expect(offset.json).toEqual({
      code: 'UnsupportedFormat',
      message: 'Unsupported format applied to effectiveDate',
      errors: null,
    });
    expect((await api.call('POST', agreement, '{not json')).status).toBe(400);
    expect((await api.call('POST', agreement, [])).status).toBe(400);
    const missing = await api.call('POST', 'finance/agreements/999999/additions', {
      product: { id: 201 },
      billCustomer: 'Billable',
    });
    expect(missing.status).toBe(404);
  });
});

describe('PATCH, PUT and DELETE additions', () => {
  async function firstAddition(): Promise<Row> {
    const rows = await api.rows(agreement, { conditions: 'product/identifier = "CORO-EDR"' });
    expect(rows).toHaveLength(1);
    return rows[0] ?? {};
  }

  it('PATCH applies a JSON-Patch array and answers the updated record', async () => {
    const before = await firstAddition();
    const reply = await api.call('PATCH', `${agreement}/${String(before.id)}`, [
      { op: 'replace', path: 'quantity', value: 12 },
      { op: 'replace', path: '/serialNumber', value: 'coro:ws-1' },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      id: before.id,
      quantity: 12,
      billedQuantity: 12,
      extPrice: 60,
      serialNumber: 'coro:ws-1',
    });
    const after = (await api.get(`${agreement}/${String(before.id)}`)).json as Row;
    expect(after.quantity).toBe(12);
    expect((after._info as Row).lastUpdated).toBe('2026-06-15T12:00:00Z');
    expect((after._info as Row).dateEntered).toBe((before._info as Row).dateEntered);
    const changed = await api.rows(agreement, { conditions: 'lastUpdated > [2026-06-01T00:00:00Z]' });
    expect(changed.map((r) => r.id)).toEqual([before.id]);
  });

  it('PATCH sets and clears the cancelled date; the status follows it', async () => {
    const { id } = await firstAddition();
    const cancel = await api.call('PATCH', `${agreement}/${String(id)}`, [
      { op: 'replace', path: 'cancelledDate', value: '2026-05-31T00:00:00Z' },
    ]);
    expect(cancel.json).toMatchObject({
      cancelledDate: '2026-05-31T00:00:00Z',
      agreementStatus: 'Cancelled',
    });
    const undo = await api.call('PATCH', `${agreement}/${String(id)}`, [
      { op: 'remove', path: 'cancelledDate' },
    ]);
    expect(undo.json).toMatchObject({ agreementStatus: 'Active' });
    expect((undo.json as Row).cancelledDate).toBeUndefined();
  });

  it('PATCH refuses non-arrays, unknown ops, read-only or wrongly cased paths and invalid values', async () => {
    const { id } = await firstAddition();
    const url = `${agreement}/${String(id)}`;
    for (const body of [
      { op: 'replace', path: 'quantity', value: 3 },
      [],
      [{ op: 'move', path: 'quantity', value: 3 }],
      [{ op: 'replace', path: 'extPrice', value: 3 }],
      [{ op: 'replace', path: 'Quantity', value: 3 }],
      [{ op: 'replace', path: 'product/foo', value: 3 }],
      [{ op: 'replace', path: 'quantity', value: { n: 3 } }],
      [null],
      [{ op: 'replace', path: 'quantity' }],
      [{ op: 'replace', path: 'quantity', value: -3 }],
      [{ op: 'replace', path: 'effectiveDate', value: '2026-06-01' }],
    ]) {
      const reply = await api.call('PATCH', url, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(reply.json as object).sort()).toEqual(['code', 'errors', 'message']);
    }
    expect((await api.get(url)).json).toMatchObject({ quantity: (await firstAddition()).quantity });
    expect(
      (await api.call('PATCH', `${agreement}/999999`, [{ op: 'replace', path: 'quantity', value: 1 }]))
        .status,
    ).toBe(404);
    // An addition is only reachable under its own agreement.
    expect((await api.call('GET', `finance/agreements/3001/additions/${String(id)}`)).status).toBe(404);
  });

  it('PUT replaces the record (omitted fields fall back to defaults); DELETE answers 204', async () => {
    const { id } = await firstAddition();
    const put = await api.call('PUT', `${agreement}/${String(id)}`, {
      product: { id: 202 },
      billCustomer: 'NoCharge',
      quantity: 2,
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id, quantity: 2, billCustomer: 'NoCharge', unitPrice: 5 });
    const del = await api.call('DELETE', `${agreement}/${String(id)}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await api.get(`${agreement}/${String(id)}`)).status).toBe(404);
    expect(sandbox.admin.writes().map((w) => w.method)).toEqual(['PUT', 'DELETE']);
  });

  it('other writes answer 405', async () => {
    expect((await api.call('POST', 'company/companies', { name: 'x' })).status).toBe(405);
    expect((await api.call('DELETE', 'finance/agreements/3001')).status).toBe(405);
  });
});

describe('billing semantics of the demo data', () => {
  it('one agreement may hold several additions of one product; only one is in force', async () => {
    const rows = await api.rows('finance/agreements/3001/additions', {
      conditions: 'product/identifier = "CORO-ENDPOINT-SECURITY"',
    });
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.agreementStatus).sort()).toEqual(['Active', 'Cancelled']);
  });

  it('lessIncluded reduces the billed quantity; proration follows the agreement flag', async () => {
    // 3002 has prorateFlag on (even ids), 3001 off.
    const body = {
      product: { id: 201 },
      billCustomer: 'Billable',
      quantity: 10,
      lessIncluded: 4,
      effectiveDate: '2026-06-16T00:00:00Z',
    };
    const prorated = (await api.call('POST', agreement, body)).json as Row;
    expect(prorated).toMatchObject({ billedQuantity: 6, extPrice: 36 });
    expect(prorated.proratePrice).toBeCloseTo(6 * (15 / 30), 2);
    const flat = (await api.call('POST', 'finance/agreements/3001/additions', body)).json as Row;
    expect(flat.proratePrice).toBe(0);
  });
});

describe('PATCH companies, catalog items and agreements', () => {
  it('renames a company, retires a product and cancels an agreement; lastUpdated moves', async () => {
    const company = await api.call('PATCH', 'company/companies/251', [
      { op: 'replace', path: 'name', value: 'Blue Harbor Logistics LLC' },
      { op: 'replace', path: 'status/id', value: 2 },
    ]);
    expect(company.status).toBe(200);
    expect(company.json).toMatchObject({
      name: 'Blue Harbor Logistics LLC',
      status: { id: 2, name: 'Inactive' },
    });
    const [agreementRow] = await api.rows('finance/agreements', { conditions: 'company/id = 251' });
    expect((agreementRow?.company as Row).name).toBe('Blue Harbor Logistics LLC');

    const item = await api.call('PATCH', 'procurement/catalog/214', [
      { op: 'replace', path: 'inactiveFlag', value: true },
    ]);
    expect(item.json).toMatchObject({ inactiveFlag: true });
    const onRetired = await api.call('POST', agreement, { product: { id: 214 }, billCustomer: 'Billable' });
    expect(onRetired.status).toBe(400);

    const cancelled = await api.call('PATCH', 'finance/agreements/3002', [
      { op: 'replace', path: 'cancelledFlag', value: true },
      { op: 'replace', path: 'dateCancelled', value: '2026-06-15T00:00:00Z' },
    ]);
    expect(cancelled.json).toMatchObject({ cancelledFlag: true, agreementStatus: 'Cancelled' });
    const additionsOf3002 = await api.rows(agreement);
    expect(new Set(additionsOf3002.map((a) => a.agreementStatus))).toEqual(new Set(['Cancelled']));

    const changed = await api.rows('company/companies', {
      conditions: 'lastUpdated > [2026-06-01T00:00:00Z]',
    });
    expect(changed.map((c) => c.id)).toEqual([251]);
  });

  it('refuses unknown paths, bad values and unknown references; 404 for a missing record', async () => {
    for (const [path, body] of [
      ['company/companies/251', [{ op: 'replace', path: 'types', value: [] }]],
      ['company/companies/251', [{ op: 'replace', path: 'name', value: '' }]],
      ['company/companies/251', [{ op: 'replace', path: 'status/id', value: 99 }]],
      ['finance/agreements/3002', [{ op: 'replace', path: 'agreementStatus', value: 'Expired' }]],
      ['finance/agreements/3002', [{ op: 'replace', path: 'endDate', value: '2026-12-31' }]],
      ['procurement/catalog/201', { op: 'replace', path: 'price', value: 1 }],
    ] as const) {
      const reply = await api.call('PATCH', path, body);
      expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(400);
    }
    expect(
      (await api.call('PATCH', 'company/companies/999999', [{ op: 'replace', path: 'name', value: 'x' }]))
        .status,
    ).toBe(404);
    expect((await api.get('company/companies/251')).json).toMatchObject({ name: 'Blue Harbor Logistics' });
  });
});
