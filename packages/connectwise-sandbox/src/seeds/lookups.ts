import type { SeedData } from '../store/database.js';
import type { Audit, CatalogItemRow, CompanyRow } from '../store/rows.js';

// Tables every seed shares: the MSP's own company, its setup tables and its product catalog.

export const defaultCompanyId = 'northwind';
export const defaultApiMember = {
  publicKey: 'NwPubKey7Sandbox01',
  privateKey: 'NwPrivKey7Sandbox-5ecret01',
  memberIdentifier: 'CoroAPI',
};
/** The integration's clientId (a GUID issued at developer.connectwise.com). */
export const defaultClientId = 'c0c0c0c0-5a4d-4b0c-9e57-000000000001';
export const ownCompanyName = 'Northwind MSP';
export const ownerMember = 'amorgan';

export const companyStatus = { active: 1, inactive: 2, notApproved: 3 } as const;
export const companyType = { client: 1, prospect: 2, vendor: 3, owner: 4, partner: 5 } as const;
export const agreementType = { managedServices: 1, blockTime: 2, recurringLicensing: 3 } as const;
export const billingCycle = { monthly: 1, quarterly: 2, annual: 3, none: 4 } as const;
export const ownCompanyRecId = 2;
export const firstCatalogId = 201;

export function audit(at: string, by = ownerMember): Audit {
  return { lastUpdated: at, updatedBy: by, dateEntered: at, enteredBy: by };
}

export function lookupTables(): Pick<
  SeedData,
  | 'companyStatuses'
  | 'companyTypes'
  | 'agreementTypes'
  | 'billingCycles'
  | 'productTypes'
  | 'productSubcategories'
  | 'unitsOfMeasure'
> {
  return {
    companyStatuses: [
      { id: companyStatus.active, name: 'Active' },
      { id: companyStatus.inactive, name: 'Inactive' },
      { id: companyStatus.notApproved, name: 'Not-Approved' },
    ],
    companyTypes: [
      { id: companyType.client, name: 'Client' },
      { id: companyType.prospect, name: 'Prospect' },
      { id: companyType.vendor, name: 'Vendor' },
      { id: companyType.owner, name: 'Owner' },
      { id: companyType.partner, name: 'Partner' },
    ],
    agreementTypes: [
      { id: agreementType.managedServices, name: 'Managed Services' },
      { id: agreementType.blockTime, name: 'Block Time' },
      { id: agreementType.recurringLicensing, name: 'Recurring Licensing' },
    ],
    billingCycles: [
      { id: billingCycle.monthly, name: 'Monthly' },
      { id: billingCycle.quarterly, name: 'Quarterly' },
      { id: billingCycle.annual, name: 'Annual' },
      { id: billingCycle.none, name: 'None' },
    ],
    productTypes: [
      { id: 1, name: 'Security Services' },
      { id: 2, name: 'Licensing' },
      { id: 3, name: 'Hardware' },
    ],
    productSubcategories: [
      { id: 11, name: 'Endpoint' },
      { id: 12, name: 'Email' },
      { id: 13, name: 'Cloud' },
      { id: 14, name: 'Other' },
    ],
    unitsOfMeasure: [
      { id: 1, name: 'Device' },
      { id: 2, name: 'User' },
      { id: 3, name: 'Each' },
    ],
  };
}

export function ownCompany(at: string): CompanyRow {
  return {
    id: ownCompanyRecId,
    identifier: 'NorthwindMSP',
    name: ownCompanyName,
    statusId: companyStatus.active,
    typeIds: [companyType.owner],
    city: 'Boston',
    state: 'MA',
    phoneNumber: '5550100000',
    website: 'https://northwind-msp.example',
    parentCompanyId: null,
    deletedFlag: false,
    ...audit(at),
  };
}

/** `Acme Corporation` → `AcmeCorporation` (company identifiers: no spaces, ≤ 30 characters). */
export function identifierOf(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
}

interface Product {
  name: string;
  price: number;
  cost: number;
  perUser: boolean;
  subcategoryId: number;
}

/** The same services, prices and order as the Autotask demo's catalog. */
export const coroProducts: readonly Product[] = [
  { name: 'Coro Endpoint Security', price: 6, cost: 3, perUser: false, subcategoryId: 11 },
  { name: 'Coro EDR', price: 5, cost: 2.5, perUser: false, subcategoryId: 11 },
  { name: 'Coro Email Security', price: 4, cost: 2, perUser: true, subcategoryId: 12 },
  { name: 'Coro Cloud Security', price: 4, cost: 2, perUser: true, subcategoryId: 13 },
  { name: 'Coro User Data Governance', price: 2, cost: 1, perUser: true, subcategoryId: 13 },
  { name: 'Coro Endpoint Data Governance', price: 2, cost: 1, perUser: false, subcategoryId: 11 },
  { name: 'Coro MDM', price: 3, cost: 1.5, perUser: false, subcategoryId: 11 },
  { name: 'Coro Security Awareness Training', price: 2.5, cost: 1, perUser: true, subcategoryId: 14 },
  { name: 'Coro Secure Messages', price: 1.5, cost: 0.5, perUser: true, subcategoryId: 12 },
  { name: 'Coro Inbound Gateway', price: 1.5, cost: 0.5, perUser: true, subcategoryId: 12 },
  { name: 'Coro Wi-Fi Phishing', price: 1, cost: 0.25, perUser: false, subcategoryId: 11 },
  { name: 'Coro Secure Web Gateway', price: 2, cost: 1, perUser: false, subcategoryId: 11 },
];

const otherProducts: readonly Product[] = [
  { name: 'Managed Backup', price: 25, cost: 12, perUser: false, subcategoryId: 14 },
  { name: 'Help Desk Per User', price: 45, cost: 20, perUser: true, subcategoryId: 14 },
  { name: 'Microsoft 365 Business Premium', price: 22, cost: 19.8, perUser: true, subcategoryId: 13 },
  { name: 'Firewall Monitoring', price: 60, cost: 15, perUser: false, subcategoryId: 14 },
];

/** `Coro Endpoint Security` → `CORO-ENDPOINT-SECURITY` */
export function productIdentifier(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function catalog(at: string): {
  rows: CatalogItemRow[];
  idByName: Map<string, number>;
  perUser: Set<string>;
} {
  const idByName = new Map<string, number>();
  const perUser = new Set<string>();
  const rows = [...coroProducts, ...otherProducts].map((p, i): CatalogItemRow => {
    const id = firstCatalogId + i;
    idByName.set(p.name, id);
    if (p.perUser) perUser.add(p.name);
    const isCoro = p.name.startsWith('Coro ');
    return {
      id,
      identifier: productIdentifier(p.name),
      description: p.name,
      customerDescription: isCoro
        ? `${p.name.replace('Coro ', '')} by Coro, billed per unit per month`
        : p.name,
      subcategoryId: p.subcategoryId,
      typeId: isCoro ? 1 : 2,
      productClass: 'Service',
      price: p.price,
      cost: p.cost,
      inactiveFlag: false,
      taxableFlag: false,
      recurringFlag: true,
      recurringRevenue: p.price,
      recurringCost: p.cost,
      recurringBillCycleId: billingCycle.monthly,
      unitOfMeasureId: p.perUser ? 2 : 1,
      vendorSku: isCoro ? `coro-${productIdentifier(p.name).toLowerCase()}` : null,
      ...audit(at),
    };
  });
  const next = firstCatalogId + rows.length;
  const first = rows[0];
  if (!first) throw new Error('catalog: no products');
  // Catalog edge cases: a bundle (never an addition) and a retired item (inactive).
  rows.push(
    {
      ...first,
      id: next,
      identifier: 'CORO-COMPLETE',
      description: 'Coro Complete',
      customerDescription: 'Endpoint Security, EDR and Email Security',
      productClass: 'Bundle',
      price: 13.5,
      cost: 7,
      recurringRevenue: 13.5,
      recurringCost: 7,
      vendorSku: null,
    },
    {
      ...first,
      id: next + 1,
      identifier: 'LEGACY-AV',
      description: 'Legacy Antivirus (retired)',
      customerDescription: 'Legacy Antivirus',
      inactiveFlag: true,
      typeId: 2,
      vendorSku: null,
    },
  );
  return { rows, idByName, perUser };
}
