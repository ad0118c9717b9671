import { contractPeriodTypes } from '../entities/picklists.js';
import { dayWire } from '../util/dates.js';
import { createPrng, intBetween } from '../util/prng.js';
import {
  billingCodes,
  currencies,
  contractWindow,
  coroServices,
  ownCompany,
  ownerResourceId,
  recurringBillingCodeId,
  recurringContract,
  resources,
  services,
} from './catalog.js';
import type { SeedDescription, SeedRecord } from './seed-types.js';

type Edge = 'none' | 'noContract' | 'twoContracts' | 'expired' | 'inactive' | 'noEmail' | 'allServices';

/** docs/demo-data.md, rows 1–39 (row 40 has no Autotask company). */
const customers: readonly (readonly [string, Edge])[] = [
  ['Acme Corporation', 'allServices'],
  ['Blue Harbor Logistics', 'none'],
  ['Cedar Ridge Dental', 'none'],
  ['Delta Freight Partners', 'none'],
  ['Evergreen Law Group LLP', 'none'],
  ['Falcon Aerospace', 'none'],
  ['Granite Peak Construction', 'none'],
  ['Harborview Medical Center', 'none'],
  ['Ironclad Security Services', 'none'],
  ['Juniper Financial', 'none'],
  ['Keystone Realty', 'none'],
  ['Lakeside Veterinary Clinic', 'none'],
  ['Maple Street Bakery', 'none'],
  ['Northstar Engineering', 'none'],
  ['Oakwood Academy', 'none'],
  ['Pinecrest Hotels', 'none'],
  ['Quantum Analytics Inc.', 'none'],
  ['Redwood Insurance', 'none'],
  ['Silverline Media', 'none'],
  ['Summit Accounting', 'none'],
  ['Trident Marine', 'none'],
  ['Union Square Dental', 'none'],
  ['Vantage Point Consulting', 'none'],
  ['Westbrook Manufacturing', 'none'],
  ['Yellowstone Outfitters', 'none'],
  ['Zenith Pharmaceuticals', 'none'],
  ['Aurora Charter School', 'none'],
  ['Brightside Pediatrics', 'none'],
  ['Coastal Credit Union', 'none'],
  ['Dunmore Architects', 'none'],
  ['Elm Grove Library', 'noContract'],
  ['Foxtrot Distribution', 'twoContracts'],
  ['Glacier Bay Fisheries', 'expired'],
  ['Hollow Creek Farms', 'inactive'],
  ['Indigo Design Studio', 'none'],
  ['Jasper Legal', 'none'],
  ['Kestrel Robotics', 'noEmail'],
  ['Lighthouse Counseling', 'none'],
  ['Meridian Travel', 'none'],
];

/** Companies no Coro workspace maps to: picker noise. */
const noiseCompanies: readonly (readonly [string, number])[] = [
  ['Coro Cybersecurity', 7],
  ['Pinnacle Ventures', 3],
  ['Riverbend Holdings', 2],
  ['Acme Corp Holdings (old)', 4],
];

const standardServices = [
  'Coro Endpoint Security',
  'Coro EDR',
  'Coro Email Security',
  'Coro Secure Messages',
];
const deviceBased = new Set([
  'Coro Endpoint Security',
  'Coro EDR',
  'Coro Endpoint Data Governance',
  'Coro MDM',
  'Coro Wi-Fi Phishing',
  'Coro Secure Web Gateway',
]);

export function demoSeed(nowMs: number): SeedDescription {
  const { start, end, year } = contractWindow(nowMs);
  const created = `${year - 1}-03-14T15:47:59.167Z`;
  const random = createPrng(20_260_101);
  const { records: serviceRecords, idByName } = services(created);
  const serviceId = (name: string): number => idByName.get(name) ?? 0;

  const companies: SeedRecord[] = [ownCompany(created)];
  const contracts: SeedRecord[] = [];
  const contractServices: SeedDescription['contractServices'] = [];
  let companyId = 174;
  let contractId = 1001;
  let csId = 5001;

  const addContract = (
    company: number,
    name: string,
    window: { start: string; end: string },
    serviceNames: readonly string[],
    size: { devices: number; users: number },
  ): void => {
    const id = contractId++;
    contracts.push(recurringContract(id, company, name, window.start, window.end));
    for (const serviceName of serviceNames) {
      const base = deviceBased.has(serviceName) ? size.devices : size.users;
      const catalog = coroServices.find((s) => s.name === serviceName);
      contractServices.push({
        id: csId++,
        contractID: id,
        serviceID: serviceId(serviceName),
        unitPrice: catalog?.unitPrice ?? null,
        unitCost: catalog?.unitCost ?? null,
        internalCurrencyUnitPrice: catalog?.unitPrice ?? null,
        invoiceDescription: serviceName,
        // Deliberately off from Coro's counts so the first sync has work to do.
        units: Math.max(1, base + intBetween(random, -6, 6)),
      });
    }
  };

  for (const [index, [name, edge]] of customers.entries()) {
    const id = companyId++;
    companies.push({
      id,
      companyName: name,
      companyNumber: `C${String(index + 1).padStart(4, '0')}`,
      companyType: 1,
      isActive: edge !== 'inactive',
      phone: `(555) 01${String(index).padStart(2, '0')}-${String(1000 + index * 37).slice(0, 4)}`,
      city: ['Boston', 'Providence', 'Hartford', 'Portland', 'Albany'][index % 5] ?? 'Boston',
      countryID: 237,
      ownerResourceID: index % 3 === 0 ? 29682886 : ownerResourceId,
      createDate: created,
      lastActivityDate: created,
      lastTrackedModifiedDateTime: created,
      createdByResourceID: ownerResourceId,
    });
    const size = { devices: intBetween(random, 12, 140), users: intBetween(random, 8, 110) };
    const title = `${name} - Coro Managed Security`;
    switch (edge) {
      case 'noContract':
        break;
      case 'allServices':
        addContract(
          id,
          title,
          { start, end },
          coroServices.map((s) => s.name),
          size,
        );
        break;
      case 'twoContracts':
        addContract(id, title, { start, end }, standardServices, size);
        addContract(
          id,
          `${name} - Warehouse Devices`,
          { start, end },
          ['Coro Endpoint Security', 'Coro EDR'],
          size,
        );
        break;
      case 'expired':
        addContract(
          id,
          `${name} - Coro Managed Security (${year - 1})`,
          { start: `${year - 1}-01-01`, end: `${year - 1}-12-31` },
          standardServices,
          size,
        );
        break;
      case 'noEmail':
        addContract(
          id,
          title,
          { start, end },
          standardServices.filter((s) => s !== 'Coro Email Security'),
          size,
        );
        break;
      case 'inactive':
      case 'none':
        addContract(id, title, { start, end }, standardServices, size);
        break;
    }
  }
  for (const [name, companyType] of noiseCompanies) {
    companies.push({
      id: companyId++,
      companyName: name,
      companyType,
      isActive: true,
      phone: '(555) 019-0000',
      ownerResourceID: ownerResourceId,
      createDate: created,
      lastActivityDate: created,
      lastTrackedModifiedDateTime: created,
      createdByResourceID: ownerResourceId,
    });
  }
  // A non-recurring contract next to Acme's recurring one: clients must filter on contractType 7.
  contracts.push({
    ...recurringContract(contractId++, 174, 'Acme Corporation - Hourly Support', start, end),
    contractType: 1,
    contractPeriodType: null,
    contractNumber: 'TM-1',
  });

  const acmeContract = contracts[0]?.id ?? 1001;
  const configurationItems: SeedRecord[] = ['ACME-LT-001', 'ACME-LT-002', 'ACME-SRV-01'].map((ref, i) => ({
    id: 100001 + i,
    companyID: 174,
    configurationItemType: ref.includes('SRV') ? 2 : 1,
    isActive: true,
    referenceTitle: ref,
    serialNumber: `SN-${ref}`,
    installDate: dayWire(`${year - 1}-06-0${i + 1}`),
    contractID: acmeContract,
    serviceID: serviceId('Coro Endpoint Security'),
    createDate: created,
    lastModifiedTime: created,
  }));

  return {
    resources: resources(),
    billingCodes: billingCodes(),
    currencies: currencies(),
    companies,
    services: serviceRecords,
    serviceBundles: [
      {
        id: 301,
        name: 'Coro Complete',
        description: 'Endpoint Security, EDR and Email Security',
        billingCodeID: recurringBillingCodeId,
        periodType: contractPeriodTypes.monthly,
        unitPrice: 13.5,
        unitCost: 7,
        isActive: true,
        createDate: created,
        lastModifiedDate: created,
      },
    ],
    serviceBundleServices: ['Coro Endpoint Security', 'Coro EDR', 'Coro Email Security'].map((n, i) => ({
      id: 401 + i,
      serviceBundleID: 301,
      serviceID: serviceId(n),
    })),
    contracts,
    contractServices,
    configurationItems,
    userDefinedFields: [
      {
        entity: 'Companies',
        name: 'Customer Ranking',
        values: [
          { id: 174, value: 'Gold' },
          { id: 175, value: 'Silver' },
          { id: 176, value: 'Gold' },
        ],
      },
      { entity: 'Contracts', name: 'Renewal Notes' },
    ],
  };
}
