import type { PicklistValue } from './entity-types.js';

function picklist(entries: readonly (readonly [number, string])[], defaultValue?: number): PicklistValue[] {
  return entries.map(([value, label], index) => ({
    value: String(value),
    label,
    isDefaultValue: value === defaultValue,
    sortOrder: index + 1,
    parentValue: null,
    isActive: true,
    isSystem: true,
  }));
}

export const contractPeriodTypes = { monthly: 1, quarterly: 2, semiAnnual: 3, yearly: 4 } as const;
export const recurringServiceContractType = 7;
export const recurringContractServiceUseType = 5;

export const periodTypePicklist = picklist(
  [
    [contractPeriodTypes.monthly, 'Monthly'],
    [contractPeriodTypes.quarterly, 'Quarterly'],
    [contractPeriodTypes.semiAnnual, 'Semi-Annual'],
    [contractPeriodTypes.yearly, 'Yearly'],
  ],
  contractPeriodTypes.monthly,
);

export const picklists: Record<string, Record<string, PicklistValue[]>> = {
  Companies: {
    companyType: picklist(
      [
        [1, 'Customer'],
        [2, 'Lead'],
        [3, 'Prospect'],
        [4, 'Dead'],
        [6, 'Cancellation'],
        [7, 'Vendor'],
        [8, 'Partner'],
      ],
      1,
    ),
    classification: picklist([
      [1, 'Gold'],
      [2, 'Silver'],
      [3, 'Bronze'],
    ]),
  },
  Contracts: {
    contractType: picklist([
      [1, 'Time and Materials'],
      [3, 'Fixed Price'],
      [4, 'Block Hours'],
      [6, 'Retainer'],
      [recurringServiceContractType, 'Recurring Service'],
      [8, 'Per Ticket'],
    ]),
    status: picklist(
      [
        [0, 'Inactive'],
        [1, 'Active'],
      ],
      1,
    ),
    contractPeriodType: periodTypePicklist,
    timeReportingRequiresStartAndStopTimes: picklist(
      [
        [0, 'No'],
        [1, 'Yes'],
      ],
      0,
    ),
    billingPreference: picklist([
      [1, 'Manual'],
      [2, 'Immediately'],
      [3, 'Timesheet'],
    ]),
    contractCategory: picklist([
      [1, 'Standard'],
      [2, 'Managed Services'],
    ]),
  },
  Services: { periodType: periodTypePicklist },
  ServiceBundles: { periodType: periodTypePicklist },
  BillingCodes: {
    useType: picklist([
      [1, 'Work Type'],
      [2, 'Material Cost Code'],
      [3, 'Expense Category'],
      [4, 'Milestone'],
      [recurringContractServiceUseType, 'Recurring Contract Service'],
      [6, 'Internal Allocation'],
    ]),
    billingCodeType: picklist(
      [
        [0, 'Regular'],
        [1, 'Internal'],
      ],
      0,
    ),
  },
  ConfigurationItems: {
    configurationItemType: picklist([
      [1, 'Workstation'],
      [2, 'Server'],
      [3, 'Mobile Device'],
      [4, 'Network Device'],
    ]),
  },
  Resources: {
    licenseType: picklist([
      [1, 'Full'],
      [7, 'API User'],
    ]),
  },
};
