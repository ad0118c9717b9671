import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { RawApi, type Row } from './testing/api-client.js';
import type { Sandbox } from './types.js';

// Field names of the official OpenAPI models; scripts/gen-openapi-fields.mjs says where from.
const openapi = JSON.parse(
  readFileSync(new URL('./fidelity/openapi-fields.json', import.meta.url), 'utf8'),
) as {
  source: string;
  models: Record<string, string[]>;
};

function model(name: string): Set<string> {
  const fields = openapi.models[name];
  if (!fields) throw new Error(`fixture has no ${name}`);
  return new Set(fields);
}

/** Keys of `record` missing from `modelName`, and of each reference member from its reference model. */
function unknownKeys(record: Row, modelName: string, references: Record<string, string>): string[] {
  const keys = model(modelName);
  const problems = Object.keys(record)
    .filter((k) => !keys.has(k))
    .map((k) => `${modelName}.${k}`);
  for (const [field, refModel] of Object.entries(references)) {
    const value = record[field];
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      const refKeys = model(refModel);
      problems.push(
        ...Object.keys(item as Row)
          .filter((k) => !refKeys.has(k))
          .map((k) => `${modelName}.${field}.${k} (${refModel})`),
      );
    }
  }
  return problems;
}

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

const cases: [string, string, Record<string, string>][] = [
  [
    'company/companies',
    'Company',
    { status: 'CompanyStatusReference', types: 'CompanyTypeReference', parentCompany: 'CompanyReference' },
  ],
  [
    'procurement/catalog',
    'CatalogItem',
    {
      subcategory: 'ProductSubCategoryReference',
      type: 'ProductTypeReference',
      unitOfMeasure: 'UnitOfMeasureReference',
      recurringBillCycle: 'BillingCycleReference',
    },
  ],
  [
    'finance/agreements',
    'Agreement',
    {
      type: 'AgreementTypeReference',
      company: 'CompanyReference',
      contact: 'ContactReference',
      parentAgreement: 'AgreementReference',
      billingCycle: 'BillingCycleReference',
    },
  ],
  ['finance/agreements/3001/additions', 'Addition', { product: 'IvItemReference' }],
  ['finance/agreements/types', 'AgreementType', {}],
  ['finance/billingCycles', 'BillingCycle', {}],
  ['company/companies/statuses', 'CompanyStatus', {}],
  ['company/companies/types', 'CompanyType', {}],
];

describe(`fidelity against the OpenAPI models (${openapi.source})`, () => {
  it.each(cases)('%s: every returned field exists in %s', async (path, modelName, references) => {
    const rows = await api.rows(path, { pageSize: 1000 });
    expect(rows.length, `${path} has seed data`).toBeGreaterThan(0);
    expect(rows.flatMap((r) => unknownKeys(r, modelName, references))).toEqual([]);
  });

  it('the fields the billing sync relies on are all served', async () => {
    const [addition] = await api.rows('finance/agreements/3001/additions', { pageSize: 1 });
    for (const field of [
      'product',
      'quantity',
      'lessIncluded',
      'unitPrice',
      'billCustomer',
      'effectiveDate',
      'agreementStatus',
      '_info',
    ])
      expect(addition, field).toHaveProperty(field);
    const [agreement] = await api.rows('finance/agreements', { pageSize: 1 });
    for (const field of [
      'company',
      'type',
      'startDate',
      'endDate',
      'cancelledFlag',
      'agreementStatus',
      'billingCycle',
      'prorateFlag',
    ])
      expect(agreement, field).toHaveProperty(field);
  });

  it('errors use ErrorResponseMessage and ValidationError; /count uses Count; system/info uses Info', async () => {
    const invalid = await api.call('POST', 'finance/agreements/3001/additions', { product: { id: 201 } });
    const body = invalid.json as Row & { errors: Row[] };
    expect(Object.keys(body).filter((k) => !model('ErrorResponseMessage').has(k))).toEqual([]);
    expect(
      body.errors.flatMap((e) => Object.keys(e)).filter((k) => !model('ValidationError').has(k)),
    ).toEqual([]);
    const info = await api.get('system/info');
    expect(Object.keys(info.json as object).filter((k) => !model('Info').has(k))).toEqual([]);
    const count = await api.get('finance/agreements/count');
    expect(Object.keys(count.json as object)).toEqual([...model('Count')]);
  });
});
