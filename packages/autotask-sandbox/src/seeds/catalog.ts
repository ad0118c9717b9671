import {
  contractPeriodTypes,
  recurringContractServiceUseType,
  recurringServiceContractType,
} from '../entities/picklists.js';
import { dayWire } from '../util/dates.js';
import type { SeedRecord } from './seed-types.js';

export const defaultApiUser = {
  username: 'coro-connector@northwind-msp.example',
  secret: 'sandbox-secret-N0rthw1nd',
  integrationCode: 'CORO7SANDBOX7TRACKING7ID000',
};

export const ownCompanyName = 'Northwind MSP';
export const ownerResourceId = 29682885;
export const apiUserResourceId = 29682887;
export const recurringBillingCodeId = 29682801;

export function resources(): SeedRecord[] {
  const person = (id: number, firstName: string, lastName: string, licenseType: number): SeedRecord => ({
    id,
    firstName,
    lastName,
    email: `${firstName}.${lastName}@northwind-msp.example`.toLowerCase().replace(/\s/g, ''),
    userName: `${firstName}${lastName[0] ?? ''}`.toLowerCase(),
    isActive: true,
    licenseType,
    resourceType: 'Employee',
    userType: 1,
  });
  return [
    person(ownerResourceId, 'Alex', 'Morgan', 1),
    person(29682886, 'Jamie', 'Chen', 1),
    {
      ...person(apiUserResourceId, 'Coro', 'Integration', 7),
      email: defaultApiUser.username,
      resourceType: 'API User',
    },
  ];
}

export function billingCodes(): SeedRecord[] {
  const code = (id: number, name: string, useType: number, isActive = true): SeedRecord => ({
    id,
    name,
    description: name,
    useType,
    billingCodeType: 0,
    isActive,
    isExcludedFromNewContracts: false,
    unitPrice: 0,
    unitCost: 0,
    markupRate: 0,
  });
  return [
    code(recurringBillingCodeId, 'Recurring Contract Services', recurringContractServiceUseType),
    code(29682802, 'Managed Security Services', recurringContractServiceUseType),
    code(29682803, 'Remote Support Labor', 1),
    code(29682804, 'Legacy Recurring (retired)', recurringContractServiceUseType, false),
  ];
}

/** One internal currency (what amounts are in) and one active foreign one, so a client must filter. */
export function currencies(): SeedRecord[] {
  const currency = (
    id: number,
    name: string,
    description: string,
    isInternalCurrency: boolean,
    exchangeRate: number,
  ): SeedRecord => ({
    id,
    name,
    description,
    isInternalCurrency,
    isActive: true,
    displaySymbol: 1,
    exchangeRate,
    currencyPositiveFormat: '<symbol><amount>',
    currencyNegativeFormat: '(<symbol><amount>)',
  });
  return [currency(1, 'USD', 'US Dollar', true, 1), currency(2, 'EUR', 'Euro', false, 0.92)];
}

export interface CatalogService {
  name: string;
  unitPrice: number;
  unitCost: number;
  isCoro: boolean;
}

export const coroServices: readonly CatalogService[] = [
  { name: 'Coro Endpoint Security', unitPrice: 6, unitCost: 3, isCoro: true },
  { name: 'Coro EDR', unitPrice: 5, unitCost: 2.5, isCoro: true },
  { name: 'Coro Email Security', unitPrice: 4, unitCost: 2, isCoro: true },
  { name: 'Coro Cloud Security', unitPrice: 4, unitCost: 2, isCoro: true },
  { name: 'Coro User Data Governance', unitPrice: 2, unitCost: 1, isCoro: true },
  { name: 'Coro Endpoint Data Governance', unitPrice: 2, unitCost: 1, isCoro: true },
  { name: 'Coro MDM', unitPrice: 3, unitCost: 1.5, isCoro: true },
  { name: 'Coro Security Awareness Training', unitPrice: 2.5, unitCost: 1, isCoro: true },
  { name: 'Coro Secure Messages', unitPrice: 1.5, unitCost: 0.5, isCoro: true },
  { name: 'Coro Inbound Gateway', unitPrice: 1.5, unitCost: 0.5, isCoro: true },
  { name: 'Coro Wi-Fi Phishing', unitPrice: 1, unitCost: 0.25, isCoro: true },
  { name: 'Coro Secure Web Gateway', unitPrice: 2, unitCost: 1, isCoro: true },
];

const noiseServices: readonly CatalogService[] = [
  { name: 'Managed Backup', unitPrice: 25, unitCost: 12, isCoro: false },
  { name: 'Help Desk Per User', unitPrice: 45, unitCost: 20, isCoro: false },
  { name: 'Microsoft 365 Business Premium', unitPrice: 22, unitCost: 19.8, isCoro: false },
  { name: 'Firewall Monitoring', unitPrice: 60, unitCost: 15, isCoro: false },
];

export const firstServiceId = 201;

/** Services by name → id; Coro services first, in the order of docs/demo-data.md. */
export function services(createDate: string): { records: SeedRecord[]; idByName: Map<string, number> } {
  const idByName = new Map<string, number>();
  const records = [...coroServices, ...noiseServices].map((s, i): SeedRecord => {
    const id = firstServiceId + i;
    idByName.set(s.name, id);
    return {
      id,
      name: s.name,
      description: s.isCoro ? `${s.name.replace('Coro ', '')} by Coro, billed per unit per month` : s.name,
      invoiceDescription: s.name,
      billingCodeID: recurringBillingCodeId,
      periodType: contractPeriodTypes.monthly,
      unitPrice: s.unitPrice,
      unitCost: s.unitCost,
      markupRate: 0,
      isActive: true,
      createDate,
      lastModifiedDate: createDate,
      creatorResourceID: ownerResourceId,
      updateResourceID: ownerResourceId,
    };
  });
  return { records, idByName };
}

export function ownCompany(createDate: string): SeedRecord {
  return {
    id: 0,
    companyName: ownCompanyName,
    companyType: 1,
    isActive: true,
    phone: '(555) 010-0000',
    city: 'Boston',
    state: 'MA',
    countryID: 237,
    ownerResourceID: ownerResourceId,
    webAddress: 'https://northwind-msp.example',
    createDate,
    lastActivityDate: createDate,
    lastTrackedModifiedDateTime: createDate,
    createdByResourceID: ownerResourceId,
  };
}

export function recurringContract(
  id: number,
  companyID: number,
  contractName: string,
  startDate: string,
  endDate: string,
  status = 1,
): SeedRecord {
  return {
    id,
    companyID,
    contractName,
    contractNumber: `RS-${id}`,
    contractType: recurringServiceContractType,
    contractPeriodType: contractPeriodTypes.monthly,
    status,
    startDate: dayWire(startDate),
    endDate: dayWire(endDate),
    timeReportingRequiresStartAndStopTimes: 0,
    billingPreference: 1,
    isDefaultContract: false,
    isCompliant: true,
    estimatedCost: 0,
    estimatedHours: 0,
    estimatedRevenue: 0,
    setupFee: 0,
    overageBillingRate: 0,
  };
}

/** The demo window: Jan 1 of the clock's current year to Dec 31 of next year. */
export function contractWindow(nowMs: number): { start: string; end: string; year: number } {
  const year = new Date(nowMs).getUTCFullYear();
  return { start: `${year}-01-01`, end: `${year + 1}-12-31`, year };
}
