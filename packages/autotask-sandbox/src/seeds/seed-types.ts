import type { FieldValue } from '../entities/entity-types.js';

/** One record with an explicit id; other keys are the entity's camelCase field names. */
export type SeedRecord = { id: number } & Record<string, FieldValue>;

/**
 * The seed description: what `{ file }` seeds contain and what `demo`/`scale:N` generate. Ids are
 * explicit and must ascend within each list. Date-only values may be `YYYY-MM-DD`.
 */
export interface SeedDescription {
  resources: SeedRecord[];
  billingCodes: SeedRecord[];
  /** Optional: a tenant without an internal currency is a case clients must survive. */
  currencies?: SeedRecord[];
  companies: SeedRecord[];
  services: SeedRecord[];
  serviceBundles?: SeedRecord[];
  serviceBundleServices?: SeedRecord[];
  contracts: SeedRecord[];
  /** `units` = units in force from the contract start (the sandbox generates one row per period). */
  contractServices: (SeedRecord & { units: number })[];
  configurationItems?: SeedRecord[];
  /** UDF definitions per entity (e.g. `Companies`), with optional values by record id. */
  userDefinedFields?: {
    entity: string;
    name: string;
    type?: 'string' | 'number' | 'date';
    label?: string;
    values?: { id: number; value: string | null }[];
  }[];
  apiUsers?: {
    username: string;
    secret: string;
    integrationCode: string;
    readOnly?: boolean;
    resourceId?: number;
  }[];
}

export const seedEntityLists = [
  ['resources', 'Resources'],
  ['billingCodes', 'BillingCodes'],
  ['currencies', 'Currencies'],
  ['companies', 'Companies'],
  ['services', 'Services'],
  ['serviceBundles', 'ServiceBundles'],
  ['serviceBundleServices', 'ServiceBundleServices'],
  ['contracts', 'Contracts'],
  ['configurationItems', 'ConfigurationItems'],
] as const;
