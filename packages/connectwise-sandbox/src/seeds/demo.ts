import type { SeedData } from '../store/database.js';
import type { AdditionRow, AgreementRow, CompanyRow, ContactRow } from '../store/rows.js';
import { dayWire } from '../util/dates.js';
import { createPrng, intBetween } from '../util/prng.js';
import {
  agreementType,
  audit,
  billingCycle,
  catalog,
  companyStatus,
  companyType,
  coroProducts,
  identifierOf,
  lookupTables,
  ownCompany,
} from './lookups.js';

type Edge = 'none' | 'noAgreement' | 'twoAgreements' | 'expired' | 'inactive' | 'noEmail' | 'allServices';

/** The Autotask demo's customers (docs/demo-data.md rows 1–39), so one Coro demo channel maps to both. */
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
  ['Elm Grove Library', 'noAgreement'],
  ['Foxtrot Distribution', 'twoAgreements'],
  ['Glacier Bay Fisheries', 'expired'],
  ['Hollow Creek Farms', 'inactive'],
  ['Indigo Design Studio', 'none'],
  ['Jasper Legal', 'none'],
  ['Kestrel Robotics', 'noEmail'],
  ['Lighthouse Counseling', 'none'],
  ['Meridian Travel', 'none'],
];

/** Companies no Coro workspace maps to: picker noise, including a recycle-bin duplicate. */
const noiseCompanies: readonly { name: string; typeId: number; deletedFlag: boolean }[] = [
  { name: 'Coro Cybersecurity', typeId: companyType.vendor, deletedFlag: false },
  { name: 'Pinnacle Ventures', typeId: companyType.prospect, deletedFlag: false },
  { name: 'Riverbend Holdings', typeId: companyType.partner, deletedFlag: false },
  { name: 'Acme Corp Holdings (old)', typeId: companyType.client, deletedFlag: true },
];

const standardProducts = [
  'Coro Endpoint Security',
  'Coro EDR',
  'Coro Email Security',
  'Coro Secure Messages',
];

export const firstCustomerId = 250;
export const firstAgreementId = 3001;
export const firstAdditionId = 9001;

export function agreementRow(
  id: number,
  company: CompanyRow,
  contactId: number,
  name: string,
  window: { start: string; end: string },
  at: string,
): AgreementRow {
  return {
    id,
    name,
    typeId: agreementType.managedServices,
    companyId: company.id,
    contactId,
    parentAgreementId: null,
    startDate: dayWire(window.start),
    endDate: dayWire(window.end),
    noEndingDateFlag: false,
    cancelledFlag: false,
    dateCancelled: null,
    reasonCancelled: null,
    status: 'Active',
    billingCycleId: billingCycle.monthly,
    billAmount: 0,
    prorateFlag: id % 2 === 0,
    invoiceProratedAdditionsFlag: false,
    billStartDate: dayWire(window.start),
    periodType: 'Current',
    billTime: 'Billable',
    billExpenses: 'Billable',
    billProducts: 'Billable',
    ...audit(at),
  };
}

export function demoSeed(nowMs: number): SeedData {
  const year = new Date(nowMs).getUTCFullYear();
  const window = { start: `${year}-01-01`, end: `${year + 1}-12-31` };
  const at = `${year - 1}-03-14T15:47:59Z`;
  const random = createPrng(20_260_101);
  const products = catalog(at);
  const companies: CompanyRow[] = [ownCompany(at)];
  const contacts: ContactRow[] = [];
  const agreements: AgreementRow[] = [];
  const additions: AdditionRow[] = [];
  let agreementId = firstAgreementId;
  let additionId = firstAdditionId;

  const addAgreement = (
    company: CompanyRow,
    name: string,
    span: { start: string; end: string },
    productNames: readonly string[],
    size: { devices: number; users: number },
  ): AgreementRow => {
    const agreement = agreementRow(agreementId++, company, company.id + 1000, name, span, at);
    agreements.push(agreement);
    for (const [index, productName] of productNames.entries()) {
      const base = products.perUser.has(productName) ? size.users : size.devices;
      const item = products.rows.find((r) => r.description === productName);
      additions.push({
        id: additionId++,
        agreementId: agreement.id,
        productId: products.idByName.get(productName) ?? 0,
        // Deliberately off from Coro's counts so the first sync has work to do.
        quantity: Math.max(1, base + intBetween(random, -6, 6)),
        lessIncluded: 0,
        unitPrice: item?.price ?? 0,
        unitCost: item?.cost ?? 0,
        billCustomer: 'Billable',
        effectiveDate: dayWire(span.start),
        cancelledDate: null,
        taxableFlag: false,
        serialNumber: null,
        invoiceDescription: item?.customerDescription ?? null,
        description: productName,
        purchaseItemFlag: false,
        specialOrderFlag: false,
        uom: products.perUser.has(productName) ? 'User' : 'Device',
        sequenceNumber: index + 1,
        prorateCurrentPeriodFlag: false,
        ...audit(at),
      });
    }
    return agreement;
  };

  for (const [index, [name, edge]] of customers.entries()) {
    const company: CompanyRow = {
      id: firstCustomerId + index,
      identifier: identifierOf(name),
      name,
      statusId: edge === 'inactive' ? companyStatus.inactive : companyStatus.active,
      typeIds: [companyType.client],
      city: ['Boston', 'Providence', 'Hartford', 'Portland', 'Albany'][index % 5] ?? 'Boston',
      state: ['MA', 'RI', 'CT', 'ME', 'NY'][index % 5] ?? 'MA',
      phoneNumber: `55501${String(index).padStart(2, '0')}${String(1000 + index * 37).slice(0, 4)}`,
      website: null,
      parentCompanyId: null,
      deletedFlag: false,
      ...audit(at),
    };
    companies.push(company);
    contacts.push({
      id: company.id + 1000,
      firstName: 'Primary',
      lastName: `Contact ${index + 1}`,
      companyId: company.id,
    });
    const size = { devices: intBetween(random, 12, 140), users: intBetween(random, 8, 110) };
    const title = `${name} - Coro Managed Security`;
    switch (edge) {
      case 'noAgreement':
        break;
      case 'allServices':
        addAgreement(
          company,
          title,
          window,
          coroProducts.map((p) => p.name),
          size,
        );
        break;
      case 'twoAgreements': {
        const parent = addAgreement(company, title, window, standardProducts, size);
        const child = addAgreement(
          company,
          `${name} - Warehouse Devices`,
          window,
          ['Coro Endpoint Security', 'Coro EDR'],
          size,
        );
        child.parentAgreementId = parent.id;
        break;
      }
      case 'expired':
        addAgreement(
          company,
          `${name} - Coro Managed Security (${year - 1})`,
          { start: `${year - 1}-01-01`, end: `${year - 1}-12-31` },
          standardProducts,
          size,
        );
        break;
      case 'noEmail':
        addAgreement(
          company,
          title,
          window,
          standardProducts.filter((p) => p !== 'Coro Email Security'),
          size,
        );
        break;
      case 'inactive':
      case 'none':
        addAgreement(company, title, window, standardProducts, size);
        break;
    }
  }
  let noiseId = firstCustomerId + customers.length;
  for (const noise of noiseCompanies) {
    companies.push({
      id: noiseId++,
      identifier: identifierOf(noise.name),
      name: noise.name,
      statusId: companyStatus.active,
      typeIds: [noise.typeId],
      city: null,
      state: null,
      phoneNumber: '5550190000',
      website: null,
      parentCompanyId: null,
      deletedFlag: noise.deletedFlag,
      ...audit(at),
    });
  }
  const acme = companies.find((c) => c.name === 'Acme Corporation');
  if (!acme) throw new Error('demo seed: Acme Corporation is missing');
  // Acme also has a block-time agreement (no billing cycle, not recurring) and, on its managed
  // agreement, an Endpoint Security addition cancelled in January: two additions of one product.
  agreements.push({
    ...agreementRow(agreementId++, acme, acme.id + 1000, 'Acme Corporation - Block Time', window, at),
    typeId: agreementType.blockTime,
    billingCycleId: null,
  });
  const endpoint = additions.find(
    (a) =>
      a.agreementId === firstAgreementId && a.productId === products.idByName.get('Coro Endpoint Security'),
  );
  if (!endpoint) throw new Error('demo seed: Acme has no Endpoint Security addition');
  additions.push({
    ...endpoint,
    id: additionId++,
    quantity: endpoint.quantity + 9,
    cancelledDate: dayWire(`${year}-01-31`),
    sequenceNumber: 99,
  });
  return { ...lookupTables(), contacts, companies, catalog: products.rows, agreements, additions };
}
