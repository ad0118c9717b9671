import { describe, expect, it } from 'vitest';
import { parseRoute, zonePrefix } from './router.js';

function describeRoute(path: string): string {
  const r = parseRoute(path);
  if (r.kind !== 'api') return r.kind;
  return `${r.entity.name} ${r.action.kind} [${r.allowed.join(',')}]`;
}

describe('parseRoute', () => {
  it.each([
    ['/atservicesrest/versioninformation', 'versionInformation'],
    ['/ATServicesRest/V1.0/zoneInformation', 'zoneInformation'],
    ['/z4/atservicesrest/v1.0/ThresholdInformation', 'thresholdInformation'],
    ['/ATServicesRest/V1.0/Companies', 'Companies collection [POST,PATCH,PUT]'],
    ['/ATServicesRest/V1.0/Companies/', 'Companies collection [POST,PATCH,PUT]'],
    ['/ATServicesRest/V1.0/companies/0', 'Companies item [GET]'],
    ['/ATServicesRest/V1.0/ServiceBundles/3', 'ServiceBundles item [GET,DELETE]'],
    ['/ATServicesRest/V1.0/Companies/query/count', 'Companies count [GET,POST]'],
    ['/ATServicesRest/V1.0/Companies/query/next', 'Companies next [GET,POST]'],
    ['/ATServicesRest/V1.0/ContractServiceAdjustments', 'ContractServiceAdjustments collection [POST]'],
    ['/ATServicesRest/V1.0/ContractServiceAdjustments/query', 'ContractServiceAdjustments query []'],
    ['/ATServicesRest/V1.0/Contracts/9/Services', 'ContractServices childCollection [GET,POST,PATCH,PUT]'],
    ['/ATServicesRest/V1.0/Contracts/9/Services/4', 'ContractServices childItem [GET]'],
    [
      '/ATServicesRest/V1.0/Contracts/9/ServiceAdjustments',
      'ContractServiceAdjustments childCollection [POST]',
    ],
    ['/ATServicesRest/V1.0/Contracts/9/Services/entityInformation/fields', 'ContractServices info [GET]'],
    ['/ATServicesRest/V1.0/ServiceBundles/3/Services/8', 'ServiceBundleServices childItem [GET,DELETE]'],
    ['/ATServicesRest/V1.0/Tickets/query', 'notFound'],
    ['/ATServicesRest/V1.0/Companies/9/Widgets', 'notFound'],
    ['/ATServicesRest/V2.0/Companies/0', 'notFound'],
    ['/ATServicesRest/V1.0/Companies/%E0%A4%A', 'notFound'],
  ])('%s → %s', (path, expected) => {
    expect(describeRoute(path)).toBe(expected);
  });

  it('models zones as path prefixes', () => {
    expect(zonePrefix(1)).toBe('/ATServicesRest/');
    expect(zonePrefix(3)).toBe('/z3/ATServicesRest/');
    const route = parseRoute('/z3/ATServicesRest/V1.0/Companies/0');
    expect(route.kind === 'api' && route.zone).toBe(3);
  });
});
