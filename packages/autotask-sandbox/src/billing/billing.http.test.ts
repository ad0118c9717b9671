import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { errorsOf, RawApi } from '../testing/api-client.js';
import type { Sandbox } from '../types.js';

// Demo seed under a frozen clock: recurring contracts run 2026-01-01 → 2027-12-31, monthly.
const blueHarbor = 1002;
const glacierExpired = 1033;
const kestrelNoEmail = 1037;
const acmeHourly = 1040;
const endpoint = 201;
const email = 203;

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo', now: () => new Date('2026-06-15T12:00:00Z') });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.admin.reset('demo'));

const units = (day: string, contract = blueHarbor, service = endpoint): number | null =>
  sandbox.admin.unitsOn(contract, service, day);

async function adjust(
  body: Record<string, unknown>,
  contract = blueHarbor,
): Promise<{ status: number; errors: string[]; itemId?: number }> {
  const reply = await api.post(`Contracts/${contract}/ServiceAdjustments`, body);
  return {
    status: reply.status,
    errors: errorsOf(reply),
    itemId: (reply.json as { itemId?: number } | null)?.itemId,
  };
}

async function rowsFor(
  contract: number,
  service: number,
): Promise<{ startDate: string; endDate: string; units: number }[]> {
  return (await api.query('ContractServiceUnits', [
    { op: 'eq', field: 'contractID', value: contract },
    { op: 'eq', field: 'serviceID', value: service },
  ])) as unknown as { startDate: string; endDate: string; units: number }[];
}

describe('recurring billing engine', () => {
  it('generates one row per service per monthly period with non-zero starting units', async () => {
    const rows = await rowsFor(blueHarbor, endpoint);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatchObject({ startDate: '2026-01-01T00:00:00Z', endDate: '2026-01-31T00:00:00Z' });
    expect(rows[23]).toMatchObject({ startDate: '2027-12-01T00:00:00Z', endDate: '2027-12-31T00:00:00Z' });
    expect(rows.every((r) => r.units === rows[0]?.units && r.units > 0)).toBe(true);
    expect(Object.keys(rows[0] ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'contractID',
        'contractServiceID',
        'serviceID',
        'startDate',
        'endDate',
        'units',
        'price',
        'cost',
        'internalCurrencyPrice',
        'approveAndPostDate',
        'vendorCompanyID',
        'organizationalLevelAssociationID',
      ]),
    );
  });

  it('a mid-period adjustment splits the period and later periods inherit the new count', async () => {
    const before = units('2026-03-15') ?? 0;
    const result = await adjust({
      serviceID: endpoint,
      unitChange: 5,
      effectiveDate: '2026-03-15T12:00:00Z',
    });
    expect(result.status).toBe(200);
    expect(result.itemId).toEqual(expect.any(Number));
    const march = (await rowsFor(blueHarbor, endpoint)).filter((r) => r.startDate.startsWith('2026-03'));
    expect(march).toEqual([
      expect.objectContaining({
        startDate: '2026-03-01T00:00:00Z',
        endDate: '2026-03-14T00:00:00Z',
        units: before,
      }),
      expect.objectContaining({
        startDate: '2026-03-15T00:00:00Z',
        endDate: '2026-03-31T00:00:00Z',
        units: before + 5,
      }),
    ]);
    expect(units('2026-02-28')).toBe(before);
    expect(units('2026-04-01')).toBe(before + 5);
    expect(units('2027-12-31')).toBe(before + 5);

    // A second, negative adjustment later on stacks on top of the first.
    expect(
      (await adjust({ serviceID: endpoint, unitChange: -3, effectiveDate: '2026-05-01T12:00:00Z' })).status,
    ).toBe(200);
    expect(units('2026-03-20')).toBe(before + 5);
    expect(units('2026-04-30')).toBe(before + 5);
    expect(units('2026-05-01')).toBe(before + 2);
    expect(units('2027-06-01')).toBe(before + 2);
    expect(await rowsFor(blueHarbor, endpoint)).toHaveLength(25);
    expect(sandbox.admin.adjustments().map((a) => [a.unitChange, a.effectiveDate])).toEqual([
      [5, '2026-03-15T00:00:00Z'],
      [-3, '2026-05-01T00:00:00Z'],
    ]);
  });

  it('an adjustment on a period boundary changes that period without splitting', async () => {
    const before = units('2026-07-01') ?? 0;
    expect(
      (await adjust({ serviceID: endpoint, unitChange: 10, effectiveDate: '2026-07-01T12:00:00Z' })).status,
    ).toBe(200);
    expect(await rowsFor(blueHarbor, endpoint)).toHaveLength(24);
    expect(units('2026-06-30')).toBe(before);
    expect(units('2026-07-01')).toBe(before + 10);
  });

  it('rejects going below zero, and commits nothing', async () => {
    const current = units('2026-08-10') ?? 0;
    const result = await adjust({
      serviceID: endpoint,
      unitChange: -(current + 1),
      effectiveDate: '2026-08-10T12:00:00Z',
    });
    expect(result.status).toBe(500);
    expect(result.errors[0]).toMatch(/below zero/);
    expect(units('2026-08-10')).toBe(current);
    expect(sandbox.admin.adjustments()).toHaveLength(0);
    expect(sandbox.admin.rejectedAdjustments()).toEqual([
      { body: expect.objectContaining({ unitChange: -(current + 1) }) as unknown, error: result.errors[0] },
    ]);
    // Down to exactly zero is fine.
    expect(
      (await adjust({ serviceID: endpoint, unitChange: -current, effectiveDate: '2026-08-10T12:00:00Z' }))
        .status,
    ).toBe(200);
    expect(units('2026-08-10')).toBe(0);
  });

  it('rejects effective dates outside the contract window', async () => {
    for (const effectiveDate of ['2028-01-05T12:00:00Z', '2025-12-31T12:00:00Z']) {
      const result = await adjust({ serviceID: endpoint, unitChange: 1, effectiveDate });
      expect(result.status).toBe(500);
      expect(result.errors[0]).toMatch(/outside the contract period/);
    }
    expect(sandbox.admin.adjustments()).toHaveLength(0);
  });

  it('rejects a second adjustment for the same contract service and effective date', async () => {
    expect(
      (await adjust({ serviceID: endpoint, unitChange: 1, effectiveDate: '2026-09-10T12:00:00Z' })).status,
    ).toBe(200);
    const duplicate = await adjust({
      serviceID: endpoint,
      unitChange: 2,
      effectiveDate: '2026-09-10T15:00:00Z',
    });
    expect(duplicate.status).toBe(500);
    expect(duplicate.errors[0]).toMatch(/already exists/);
    expect(sandbox.admin.adjustments()).toHaveLength(1);
  });

  it('creates the contract service when the service is not on the contract yet', async () => {
    expect(
      await api.query('ContractServices', [
        { op: 'eq', field: 'contractID', value: kestrelNoEmail },
        { op: 'eq', field: 'serviceID', value: email },
      ]),
    ).toHaveLength(0);
    const result = await adjust(
      { contractID: kestrelNoEmail, serviceID: email, unitChange: 20, effectiveDate: '2026-07-01T12:00:00Z' },
      kestrelNoEmail,
    );
    expect(result.status).toBe(200);
    const created = await api.query('ContractServices', [
      { op: 'eq', field: 'contractID', value: kestrelNoEmail },
      { op: 'eq', field: 'serviceID', value: email },
    ]);
    expect(created).toHaveLength(1);
    expect(units('2026-06-30', kestrelNoEmail, email)).toBe(0);
    expect(units('2026-07-01', kestrelNoEmail, email)).toBe(20);
    expect(sandbox.admin.adjustments()[0]?.contractServiceID).toBe(created[0]?.id);
  });

  it('applies the documented day-shift: the UTC instant is read in the tenant zone, then truncated', async () => {
    const before = units('2026-11-26') ?? 0;
    expect(
      (await adjust({ serviceID: endpoint, unitChange: 4, effectiveDate: '2026-11-27T02:00:00Z' })).status,
    ).toBe(200);
    expect(sandbox.admin.adjustments()[0]?.effectiveDate).toBe('2026-11-26T00:00:00Z');
    expect(units('2026-11-25')).toBe(before);
    expect(units('2026-11-26')).toBe(before + 4);
    // The same calendar day sent at noon UTC is the same effective date → duplicate.
    expect(
      (await adjust({ serviceID: endpoint, unitChange: 1, effectiveDate: '2026-11-26T12:00:00Z' })).status,
    ).toBe(500);
    expect(
      (await adjust({ serviceID: endpoint, unitChange: 1, effectiveDate: '2026-11-27T12:00:00Z' })).status,
    ).toBe(200);
    expect(units('2026-11-27')).toBe(before + 5);
  });

  it('accepts contractServiceID on the root URL and checks the parent id on the child URL', async () => {
    const [cs] = await api.query('ContractServices', [
      { op: 'eq', field: 'contractID', value: blueHarbor },
      { op: 'eq', field: 'serviceID', value: endpoint },
    ]);
    const root = await api.post('ContractServiceAdjustments', {
      contractServiceID: cs?.id,
      unitChange: 2,
      effectiveDate: '2026-10-01T12:00:00Z',
    });
    expect(root.status).toBe(200);
    const mismatch = await adjust({
      contractID: 1003,
      serviceID: endpoint,
      unitChange: 1,
      effectiveDate: '2026-10-02T12:00:00Z',
    });
    expect(mismatch.status).toBe(500);
    const neither = await api.post('ContractServiceAdjustments', {
      unitChange: 1,
      effectiveDate: '2026-10-02T12:00:00Z',
    });
    expect(errorsOf(neither)[0]).toMatch(/contractServiceID or both contractID and serviceID/);
  });

  it('refuses adjustments on non-recurring contracts', async () => {
    const result = await adjust(
      { serviceID: endpoint, unitChange: 1, effectiveDate: '2026-10-02T12:00:00Z' },
      acmeHourly,
    );
    expect(result.status).toBe(500);
    expect(result.errors[0]).toMatch(/not a Recurring Service contract/);
  });

  it('expired and inactive contracts keep their unit rows', async () => {
    const expired = await api.get(`Contracts/${glacierExpired}/ServiceUnits`);
    expect((expired.json as { items: unknown[] }).items).toHaveLength(4 * 12);
    const before = await rowsFor(blueHarbor, endpoint);
    expect((await api.call('PATCH', 'Contracts', { id: blueHarbor, status: 0 })).status).toBe(200);
    expect(await rowsFor(blueHarbor, endpoint)).toEqual(before);
  });
});
