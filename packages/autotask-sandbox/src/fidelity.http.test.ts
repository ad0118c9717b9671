import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { RawApi } from './testing/api-client.js';
import type { Sandbox } from './types.js';

// The published Swagger lives next to the repository: /work/main → ../shared/autotask/v1.json.
const swaggerUrl = new URL('../../../../shared/autotask/v1.json', import.meta.url);
const swagger = JSON.parse(readFileSync(swaggerUrl, 'utf8')) as {
  definitions: Record<string, { properties: Record<string, unknown> }>;
};

const models: Record<string, string> = {
  Companies: 'CompanyModel',
  Services: 'ServiceModel',
  ServiceBundles: 'ServiceBundleModel',
  ServiceBundleServices: 'ServiceBundleServiceModel',
  BillingCodes: 'BillingCodeModel',
  Contracts: 'ContractModel',
  ContractServices: 'ContractServiceModel',
  ContractServiceUnits: 'ContractServiceUnitModel',
  ConfigurationItems: 'ConfigurationItemModel',
  Resources: 'ResourceModel',
  Currencies: 'CurrencyModel',
};

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

function modelKeys(model: string): Set<string> {
  const definition = swagger.definitions[model];
  if (!definition) throw new Error(`Swagger has no ${model}`);
  return new Set(Object.keys(definition.properties).map((k) => k.toLowerCase()));
}

describe('fidelity against the published Swagger', () => {
  it.each(Object.entries(models))('%s: every returned field exists in %s', async (entity, model) => {
    const keys = modelKeys(model);
    const items = await api.query(entity, [{ op: 'exist', field: 'id' }], { MaxRecords: 5 });
    expect(items.length, `${entity} has seed data`).toBeGreaterThan(0);
    for (const item of items) {
      const unknown = Object.keys(item).filter((k) => !keys.has(k.toLowerCase()));
      expect(unknown, `${entity} fields missing from ${model}`).toEqual([]);
    }
    const fields = (await api.get(`${entity}/entityInformation/fields`)).json as {
      fields: { name: string }[];
    };
    expect(fields.fields.filter((f) => !keys.has(f.name.toLowerCase()))).toEqual([]);
  });

  it('ContractServiceAdjustments fields exist in ContractServiceAdjustmentModel', async () => {
    const keys = modelKeys('ContractServiceAdjustmentModel');
    const fields = (await api.get('ContractServiceAdjustments/entityInformation/fields')).json as {
      fields: { name: string }[];
    };
    expect(fields.fields.filter((f) => !keys.has(f.name.toLowerCase()))).toEqual([]);
  });

  it('discovery and threshold payloads use the Swagger result models', async () => {
    const zone = await api.call(
      'GET',
      `${sandbox.url}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(sandbox.apiUser.username)}`,
      undefined,
      {},
    );
    expect(
      Object.keys(zone.json as object)
        .map((k) => k.toLowerCase())
        .sort(),
    ).toEqual([...modelKeys('ZoneInformationResultModel')].sort());
    const threshold = await api.get('ThresholdInformation');
    expect(
      Object.keys(threshold.json as object)
        .map((k) => k.toLowerCase())
        .sort(),
    ).toEqual([...modelKeys('ThresholdStatusResultModel')].sort());
  });
});
