import type { EntityDef, FieldDef } from './entity-types.js';
import { picklists } from './picklists.js';
import { swaggerFields } from './swagger-fields.js';

interface EntityOverrides {
  singular: string;
  required?: readonly string[];
  readOnly?: readonly string[];
  dateOnly?: readonly string[];
  notQueryable?: readonly string[];
  references?: Readonly<Record<string, string>>;
  lengths?: Readonly<Record<string, number>>;
  hasUserDefinedFields: boolean;
  verbs: { create: boolean; update: boolean; delete: boolean; query: boolean; get: boolean };
}

const audit = [
  'createDate',
  'lastModifiedDate',
  'lastActivityDate',
  'lastTrackedModifiedDateTime',
  'lastModifiedTime',
];
const crud = { create: true, update: true, delete: false, query: true, get: true };
const readOnlyVerbs = { create: false, update: false, delete: false, query: true, get: true };

const overrides: Record<string, EntityOverrides> = {
  Companies: {
    singular: 'Company',
    required: ['companyName', 'companyType', 'ownerResourceID', 'phone'],
    readOnly: [...audit, 'createdByResourceID', 'impersonatorCreatorResourceID'],
    notQueryable: ['assetValue'],
    references: { ownerResourceID: 'Resource', parentCompanyID: 'Company' },
    lengths: { companyName: 100, phone: 25, companyNumber: 50 },
    hasUserDefinedFields: true,
    verbs: crud,
  },
  Services: {
    singular: 'Service',
    required: ['name', 'periodType', 'unitPrice', 'billingCodeID'],
    readOnly: [...audit, 'creatorResourceID', 'updateResourceID', 'markupRate'],
    references: { billingCodeID: 'BillingCode', vendorCompanyID: 'Company' },
    lengths: { name: 100, description: 400, invoiceDescription: 1000 },
    hasUserDefinedFields: true,
    verbs: crud,
  },
  ServiceBundles: {
    singular: 'ServiceBundle',
    required: ['name', 'periodType', 'billingCodeID'],
    readOnly: [...audit, 'creatorResourceID', 'updateResourceID'],
    references: { billingCodeID: 'BillingCode' },
    lengths: { name: 100 },
    hasUserDefinedFields: true,
    verbs: { ...crud, delete: true },
  },
  ServiceBundleServices: {
    singular: 'ServiceBundleService',
    required: ['serviceBundleID', 'serviceID'],
    references: { serviceBundleID: 'ServiceBundle', serviceID: 'Service' },
    hasUserDefinedFields: false,
    verbs: readOnlyVerbs,
  },
  BillingCodes: {
    singular: 'BillingCode',
    readOnly: ['*'],
    hasUserDefinedFields: false,
    verbs: readOnlyVerbs,
  },
  Contracts: {
    singular: 'Contract',
    required: [
      'companyID',
      'contractName',
      'contractType',
      'startDate',
      'endDate',
      'status',
      'timeReportingRequiresStartAndStopTimes',
    ],
    readOnly: ['exclusionContractID', 'internalCurrencyOverageBillingRate', 'internalCurrencySetupFee'],
    dateOnly: ['startDate', 'endDate'],
    references: { companyID: 'Company', billToCompanyID: 'Company' },
    lengths: { contractName: 100, contractNumber: 50, description: 2000, purchaseOrderNumber: 50 },
    hasUserDefinedFields: true,
    verbs: crud,
  },
  ContractServices: {
    singular: 'ContractService',
    required: ['contractID', 'serviceID'],
    readOnly: ['internalCurrencyUnitPrice', 'internalCurrencyAdjustedPrice', 'quoteItemID'],
    references: { contractID: 'Contract', serviceID: 'Service' },
    lengths: { invoiceDescription: 1000, internalDescription: 100 },
    hasUserDefinedFields: false,
    verbs: readOnlyVerbs,
  },
  ContractServiceUnits: {
    singular: 'ContractServiceUnit',
    readOnly: ['*'],
    dateOnly: ['startDate', 'endDate'],
    references: {
      contractID: 'Contract',
      contractServiceID: 'ContractService',
      serviceID: 'Service',
      vendorCompanyID: 'Company',
    },
    hasUserDefinedFields: false,
    verbs: readOnlyVerbs,
  },
  ContractServiceAdjustments: {
    singular: 'ContractServiceAdjustment',
    required: ['effectiveDate', 'unitChange'],
    dateOnly: ['effectiveDate'],
    references: { contractID: 'Contract', serviceID: 'Service', contractServiceID: 'ContractService' },
    hasUserDefinedFields: false,
    verbs: { create: true, update: false, delete: false, query: false, get: false },
  },
  ConfigurationItems: {
    singular: 'ConfigurationItem',
    required: ['companyID', 'configurationItemType', 'isActive'],
    readOnly: [...audit, 'createdByPersonID', 'impersonatorCreatorResourceID'],
    dateOnly: ['installDate', 'warrantyExpirationDate'],
    references: { companyID: 'Company', contractID: 'Contract', serviceID: 'Service' },
    hasUserDefinedFields: true,
    verbs: crud,
  },
  Currencies: {
    singular: 'Currency',
    readOnly: ['*'],
    hasUserDefinedFields: false,
    verbs: readOnlyVerbs,
  },
  Resources: {
    singular: 'Resource',
    readOnly: ['*'],
    dateOnly: ['hireDate'],
    hasUserDefinedFields: true,
    verbs: readOnlyVerbs,
  },
};

function buildEntity(name: string, o: EntityOverrides): EntityDef {
  const all = o.readOnly?.includes('*') ?? false;
  const fields: FieldDef[] = (swaggerFields[name] ?? []).map(([fieldName, dataType]) => ({
    name: fieldName,
    dataType,
    key: fieldName.toLowerCase(),
    isDateOnly: o.dateOnly?.includes(fieldName) ?? false,
    isRequired: o.required?.includes(fieldName) ?? false,
    isReadOnly: fieldName === 'id' || all || (o.readOnly?.includes(fieldName) ?? false),
    isQueryable: !(o.notQueryable?.includes(fieldName) ?? false),
    referenceEntityType: o.references?.[fieldName] ?? null,
    picklist: picklists[name]?.[fieldName] ?? null,
    length: o.lengths?.[fieldName] ?? (dataType === 'string' ? 255 : 0),
  }));
  return {
    name,
    singular: o.singular,
    fields,
    fieldByKey: new Map(fields.map((f) => [f.key, f])),
    hasUserDefinedFields: o.hasUserDefinedFields,
    canCreate: o.verbs.create,
    canUpdate: o.verbs.update,
    canDelete: o.verbs.delete,
    canQuery: o.verbs.query,
    canGetById: o.verbs.get,
  };
}

export const entities: ReadonlyMap<string, EntityDef> = new Map(
  Object.entries(overrides).map(([name, o]) => [name.toLowerCase(), buildEntity(name, o)]),
);

export function entityByName(name: string): EntityDef | undefined {
  return entities.get(name.toLowerCase());
}

export function requireEntity(name: string): EntityDef {
  const def = entityByName(name);
  if (!def) throw new Error(`unknown entity ${name}`);
  return def;
}
