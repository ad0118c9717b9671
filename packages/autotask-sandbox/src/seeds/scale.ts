import { createPrng, intBetween } from '../util/prng.js';
import {
  billingCodes,
  currencies,
  contractWindow,
  coroServices,
  ownCompany,
  ownerResourceId,
  recurringContract,
  resources,
  services,
} from './catalog.js';
import type { SeedDescription, SeedRecord } from './seed-types.js';

const first = [
  'Acme',
  'Blue',
  'Cedar',
  'Delta',
  'Evergreen',
  'Falcon',
  'Granite',
  'Harbor',
  'Iron',
  'Juniper',
  'Keystone',
  'Lakeside',
  'Maple',
  'North',
  'Oak',
  'Pine',
  'Quantum',
  'Red',
  'Silver',
  'Summit',
  'Trident',
  'Union',
  'Vantage',
  'West',
  'Yellow',
  'Zenith',
  'Aurora',
  'Bright',
  'Coastal',
  'Dun',
  'Elm',
  'Fox',
  'Glacier',
  'Hollow',
  'Indigo',
  'Jasper',
  'Kestrel',
  'Light',
  'Meridian',
  'Nimbus',
  'Orchard',
  'Prairie',
  'Quarry',
  'River',
  'Stone',
  'Timber',
  'Upland',
  'Valley',
  'Willow',
  'Birch',
];
const second = [
  'Ridge',
  'Creek',
  'Point',
  'View',
  'Field',
  'Brook',
  'Gate',
  'Hill',
  'Park',
  'Bay',
  'Crest',
  'Wood',
  'Stone',
  'Side',
  'Haven',
  'Bridge',
  'Lake',
  'Peak',
  'Mill',
  'Port',
];
const trade = [
  'Logistics',
  'Dental',
  'Law Group',
  'Medical',
  'Engineering',
  'Realty',
  'Veterinary Clinic',
  'Bakery',
  'Academy',
  'Hotels',
  'Analytics',
  'Insurance',
  'Media',
  'Accounting',
  'Marine',
  'Consulting',
  'Manufacturing',
  'Outfitters',
  'Pharmaceuticals',
  'Credit Union',
  'Architects',
  'Distribution',
  'Fisheries',
  'Farms',
  'Design Studio',
  'Robotics',
  'Counseling',
  'Travel',
  'Construction',
  'Financial',
];
const suffix = ['', ' LLC', ' Inc.', ' Group', ' Partners'];

const scaleServices = [
  'Coro Endpoint Security',
  'Coro EDR',
  'Coro Email Security',
  'Coro Cloud Security',
  'Coro Secure Messages',
  'Coro MDM',
];
const combinations = first.length * second.length * trade.length * suffix.length;
// A multiplier coprime with `combinations` walks every name exactly once in a scrambled order.
const stride = 7919;

export function scaleCompanyName(index: number): string {
  const k = (index * stride) % combinations;
  const a = first[k % first.length] ?? '';
  const b = second[Math.floor(k / first.length) % second.length] ?? '';
  const c = trade[Math.floor(k / (first.length * second.length)) % trade.length] ?? '';
  const d = suffix[Math.floor(k / (first.length * second.length * trade.length)) % suffix.length] ?? '';
  const round = Math.floor(index / combinations);
  return `${a}${b.toLowerCase()} ${c}${d}${round > 0 ? ` ${round + 1}` : ''}`;
}

/** N light companies, each with one monthly recurring contract holding six Coro services. */
export function scaleSeed(companyCount: number, nowMs: number): SeedDescription {
  const { start, end, year } = contractWindow(nowMs);
  const created = `${year - 1}-01-15T09:30:00Z`;
  const random = createPrng(companyCount);
  const { records: serviceRecords, idByName } = services(created);
  const companies: SeedRecord[] = [ownCompany(created)];
  const contracts: SeedRecord[] = [];
  const contractServices: SeedDescription['contractServices'] = [];
  let csId = 5001;
  for (let i = 0; i < companyCount; i++) {
    const companyId = 174 + i;
    const companyName = scaleCompanyName(i);
    companies.push({
      id: companyId,
      companyName,
      companyType: 1,
      isActive: true,
      phone: '(555) 010-2000',
      ownerResourceID: ownerResourceId,
      createDate: created,
    });
    const contractId = 1001 + i;
    contracts.push(
      recurringContract(contractId, companyId, `${companyName} - Coro Managed Security`, start, end),
    );
    const devices = intBetween(random, 5, 400);
    const users = intBetween(random, 5, 300);
    for (const name of scaleServices) {
      contractServices.push({
        id: csId++,
        contractID: contractId,
        serviceID: idByName.get(name) ?? 0,
        unitPrice: coroServices.find((s) => s.name === name)?.unitPrice ?? null,
        unitCost: coroServices.find((s) => s.name === name)?.unitCost ?? null,
        units:
          name.includes('Email') || name.includes('Cloud') || name.includes('Messages') ? users : devices,
      });
    }
  }
  return {
    resources: resources(),
    billingCodes: billingCodes(),
    currencies: currencies(),
    companies,
    services: serviceRecords,
    contracts,
    contractServices,
  };
}

export function emptySeed(nowMs: number): SeedDescription {
  const created = `${new Date(nowMs).getUTCFullYear() - 1}-01-15T09:30:00Z`;
  return {
    resources: resources().slice(0, 1).concat(resources().slice(2)),
    billingCodes: billingCodes(),
    companies: [ownCompany(created)],
    services: [],
    contracts: [],
    contractServices: [],
  };
}
