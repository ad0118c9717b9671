// Rows as the sandbox stores them: references by id only, resolved to `{id, name, _info}` objects
// when serialized, so a renamed company shows its new name on every agreement (as the real API does).

export interface Audit {
  /** ISO-8601 UTC, `…Z` */
  lastUpdated: string;
  updatedBy: string;
  dateEntered: string;
  enteredBy: string;
}

export interface NamedRow {
  id: number;
  name: string;
}

export interface CompanyRow extends Audit {
  id: number;
  identifier: string;
  name: string;
  statusId: number;
  typeIds: number[];
  city: string | null;
  state: string | null;
  phoneNumber: string | null;
  website: string | null;
  parentCompanyId: number | null;
  deletedFlag: boolean;
}

export const productClasses = ['Agreement', 'Bundle', 'Inventory', 'NonInventory', 'Service'] as const;
export type ProductClass = (typeof productClasses)[number];

export interface CatalogItemRow extends Audit {
  id: number;
  identifier: string;
  description: string;
  customerDescription: string;
  subcategoryId: number;
  typeId: number;
  productClass: ProductClass;
  price: number;
  cost: number;
  inactiveFlag: boolean;
  taxableFlag: boolean;
  recurringFlag: boolean;
  recurringRevenue: number;
  recurringCost: number;
  recurringBillCycleId: number | null;
  unitOfMeasureId: number;
  vendorSku: string | null;
}

export const agreementStatuses = ['Active', 'Cancelled', 'Expired', 'Inactive'] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

export interface AgreementRow extends Audit {
  id: number;
  name: string;
  typeId: number;
  companyId: number;
  contactId: number;
  parentAgreementId: number | null;
  startDate: string;
  endDate: string | null;
  noEndingDateFlag: boolean;
  cancelledFlag: boolean;
  dateCancelled: string | null;
  reasonCancelled: string | null;
  /** only Active or Inactive are stored; Cancelled and Expired follow from the flags and dates */
  status: 'Active' | 'Inactive';
  billingCycleId: number | null;
  billAmount: number;
  prorateFlag: boolean;
  invoiceProratedAdditionsFlag: boolean;
  billStartDate: string | null;
  periodType: 'Current' | 'Future' | 'Both' | 'Undefined';
  billTime: 'Billable' | 'DoNotBill' | 'NoCharge' | 'NoDefault';
  billExpenses: 'Billable' | 'DoNotBill' | 'NoCharge' | 'NoDefault';
  billProducts: 'Billable' | 'DoNotBill' | 'NoCharge' | 'NoDefault';
}

export const billCustomerValues = ['Billable', 'DoNotBill', 'NoCharge'] as const;
export type BillCustomer = (typeof billCustomerValues)[number];

export interface AdditionRow extends Audit {
  id: number;
  agreementId: number;
  productId: number;
  quantity: number;
  lessIncluded: number;
  unitPrice: number;
  unitCost: number;
  billCustomer: BillCustomer;
  effectiveDate: string | null;
  cancelledDate: string | null;
  taxableFlag: boolean;
  serialNumber: string | null;
  invoiceDescription: string | null;
  description: string;
  purchaseItemFlag: boolean;
  specialOrderFlag: boolean;
  uom: string | null;
  sequenceNumber: number;
  prorateCurrentPeriodFlag: boolean;
}

export interface ContactRow {
  id: number;
  firstName: string;
  lastName: string;
  companyId: number;
}
