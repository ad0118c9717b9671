/**
 * Autotask wire shapes (camelCase, as the REST API sends them; the Swagger's PascalCase
 * definitions are not the wire names) and the narrow parsers that turn `unknown` JSON into them.
 *
 * Parsers are deliberately lenient about extra fields and strict about the fields we use: a
 * response missing one of those is "garbage" and becomes an error value, never a crash.
 */

export interface ZoneInformation {
  readonly zoneName: string;
  /** Zone REST root, always normalised to end with `/` (e.g. `https://webservices3.autotask.net/ATServicesRest/`). */
  readonly url: string;
  readonly webUrl: string | null;
  readonly ci: number;
}

export interface ThresholdInformation {
  readonly externalRequestThreshold: number;
  readonly requestThresholdTimeframe: number;
  readonly currentTimeframeRequestCount: number;
}

export interface PageDetails {
  readonly count: number;
  readonly nextPageUrl: string | null;
}

export interface QueryPage {
  readonly items: readonly Record<string, unknown>[];
  readonly pageDetails: PageDetails;
}

export interface CompanyWire {
  readonly id: number;
  readonly companyName: string;
  readonly isActive: boolean;
  readonly lastTrackedModifiedDateTime: string | null;
}

export interface ServiceWire {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly isActive: boolean;
  readonly unitPrice: number | null;
  readonly lastModifiedDate: string | null;
}

export interface CurrencyWire {
  readonly id: number;
  /** The ISO 4217 code (e.g. `USD`); `description` holds the long name. */
  readonly name: string;
}

export interface ContractWire {
  readonly id: number;
  readonly companyID: number;
  readonly contractName: string;
  readonly contractType: number;
  readonly status: number;
  readonly startDate: string;
  readonly endDate: string;
}

export interface ContractServiceWire {
  readonly id: number;
  readonly contractID: number;
  readonly serviceID: number;
}

export interface ContractServiceUnitWire {
  readonly id: number;
  readonly contractID: number;
  readonly serviceID: number;
  readonly contractServiceID: number;
  readonly startDate: string;
  readonly endDate: string;
  readonly units: number;
  /** Per-unit price of the window; absent when the API user may not see prices. */
  readonly price?: number | null;
}

/** Body of `POST ContractServiceAdjustments`. Dates are sent at T12:00:00 (see docs/autotask.md, day-shift). */
export interface ContractServiceAdjustmentCreateWire {
  readonly contractID: number;
  readonly serviceID: number;
  readonly contractServiceID?: number;
  readonly unitChange: number;
  readonly effectiveDate: string;
}

/** Fields each query asks for (IncludeFields): payloads stay small and the parsers below can rely on them. */
export const includeFields = {
  Companies: ['id', 'companyName', 'isActive', 'lastTrackedModifiedDateTime'],
  Services: ['id', 'name', 'description', 'isActive', 'unitPrice', 'lastModifiedDate'],
  Contracts: ['id', 'companyID', 'contractName', 'contractType', 'status', 'startDate', 'endDate'],
  ContractServices: ['id', 'contractID', 'serviceID'],
  ContractServiceUnits: [
    'id',
    'contractID',
    'serviceID',
    'contractServiceID',
    'startDate',
    'endDate',
    'units',
    'price',
  ],
  Currencies: ['id', 'name'],
} as const satisfies Record<string, readonly string[]>;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (o: Json, key: string): number | undefined => {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};
const str = (o: Json, key: string): string | undefined => {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
};
const nullableStr = (o: Json, key: string): string | null | undefined =>
  o[key] === null ? null : str(o, key);
const nullableNum = (o: Json, key: string): number | null | undefined =>
  o[key] === null ? null : num(o, key);
const bool = (o: Json, key: string): boolean | undefined => {
  const v = o[key];
  return typeof v === 'boolean' ? v : undefined;
};

export function parseZoneInformation(value: unknown): ZoneInformation | null {
  if (!isObject(value)) return null;
  const zoneName = str(value, 'zoneName');
  const url = str(value, 'url');
  const ci = num(value, 'ci');
  if (zoneName === undefined || url === undefined || ci === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // Every later URL is `url + 'V1.0/…'`: a missing trailing slash would silently break all calls.
  const normalised = url.endsWith('/') ? url : `${url}/`;
  return { zoneName, url: normalised, webUrl: nullableStr(value, 'webUrl') ?? null, ci };
}

export function parseThresholdInformation(value: unknown): ThresholdInformation | null {
  if (!isObject(value)) return null;
  const externalRequestThreshold = num(value, 'externalRequestThreshold');
  const requestThresholdTimeframe = num(value, 'requestThresholdTimeframe');
  const currentTimeframeRequestCount = num(value, 'currentTimeframeRequestCount');
  if (externalRequestThreshold === undefined || requestThresholdTimeframe === undefined) return null;
  if (currentTimeframeRequestCount === undefined) return null;
  return { externalRequestThreshold, requestThresholdTimeframe, currentTimeframeRequestCount };
}

export function parseQueryPage(value: unknown): QueryPage | null {
  if (!isObject(value)) return null;
  const items = value.items;
  const details = value.pageDetails;
  if (!Array.isArray(items) || !items.every(isObject)) return null;
  if (!isObject(details)) return null;
  const next = details.nextPageUrl;
  if (next !== null && next !== undefined && typeof next !== 'string') return null;
  return { items, pageDetails: { count: num(details, 'count') ?? items.length, nextPageUrl: next ?? null } };
}

export function parseItemId(value: unknown): number | null {
  if (!isObject(value)) return null;
  return num(value, 'itemId') ?? null;
}

/** Autotask's error texts: `{"errors":[…]}` normally, ASP.NET's `{"Message":…}` for routing errors. */
export function parseErrorTexts(value: unknown): readonly string[] {
  if (!isObject(value)) return [];
  const errors = value.errors;
  if (Array.isArray(errors)) return errors.filter((e): e is string => typeof e === 'string');
  const message = str(value, 'Message') ?? str(value, 'message');
  return message === undefined ? [] : [message];
}

export function parseCompany(o: Json): CompanyWire | null {
  const id = num(o, 'id');
  const companyName = str(o, 'companyName');
  const isActive = bool(o, 'isActive');
  const modified = nullableStr(o, 'lastTrackedModifiedDateTime');
  if (id === undefined || companyName === undefined || isActive === undefined) return null;
  return { id, companyName, isActive, lastTrackedModifiedDateTime: modified ?? null };
}

export function parseCurrency(o: Json): CurrencyWire | null {
  const id = num(o, 'id');
  const name = str(o, 'name');
  if (id === undefined || name === undefined) return null;
  return { id, name };
}

export function parseService(o: Json): ServiceWire | null {
  const id = num(o, 'id');
  const name = str(o, 'name');
  const isActive = bool(o, 'isActive');
  if (id === undefined || name === undefined || isActive === undefined) return null;
  return {
    id,
    name,
    description: nullableStr(o, 'description') ?? null,
    isActive,
    unitPrice: nullableNum(o, 'unitPrice') ?? null,
    lastModifiedDate: nullableStr(o, 'lastModifiedDate') ?? null,
  };
}

export function parseContract(o: Json): ContractWire | null {
  const id = num(o, 'id');
  const companyID = num(o, 'companyID');
  const contractName = str(o, 'contractName');
  const contractType = num(o, 'contractType');
  const status = num(o, 'status');
  const startDate = str(o, 'startDate');
  const endDate = str(o, 'endDate');
  if (id === undefined || companyID === undefined || contractName === undefined) return null;
  if (
    contractType === undefined ||
    status === undefined ||
    startDate === undefined ||
    endDate === undefined
  ) {
    return null;
  }
  return { id, companyID, contractName, contractType, status, startDate, endDate };
}

export function parseContractService(o: Json): ContractServiceWire | null {
  const id = num(o, 'id');
  const contractID = num(o, 'contractID');
  const serviceID = num(o, 'serviceID');
  if (id === undefined || contractID === undefined || serviceID === undefined) return null;
  return { id, contractID, serviceID };
}

export function parseContractServiceUnit(o: Json): ContractServiceUnitWire | null {
  const id = num(o, 'id');
  const contractID = num(o, 'contractID');
  const serviceID = num(o, 'serviceID');
  const contractServiceID = num(o, 'contractServiceID');
  const startDate = str(o, 'startDate');
  const endDate = str(o, 'endDate');
  const units = num(o, 'units');
  if (id === undefined || contractID === undefined || serviceID === undefined) return null;
  if (
    contractServiceID === undefined ||
    startDate === undefined ||
    endDate === undefined ||
    units === undefined
  ) {
    return null;
  }
  const price = num(o, 'price') ?? null;
  return { id, contractID, serviceID, contractServiceID, startDate, endDate, units, price };
}

export interface PicklistValue {
  readonly value: number;
  readonly label: string;
  readonly isActive: boolean;
}

/**
 * One field's picklist from `GET {Entity}/entityInformation/fields`. Picklist values are STRINGS
 * in metadata even for integer fields ("7"), integers in entities (7).
 */
export function parseFieldPicklist(value: unknown, fieldName: string): readonly PicklistValue[] | null {
  if (!isObject(value) || !Array.isArray(value.fields)) return null;
  const field = value.fields.find(
    (f): f is Json =>
      isObject(f) && typeof f.name === 'string' && f.name.toLowerCase() === fieldName.toLowerCase(),
  );
  if (field === undefined || !Array.isArray(field.picklistValues)) return null;
  const out: PicklistValue[] = [];
  for (const item of field.picklistValues) {
    if (!isObject(item)) continue;
    const raw = item.value;
    const label = str(item, 'label');
    const numeric = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof numeric !== 'number' || !Number.isInteger(numeric) || label === undefined) continue;
    out.push({ value: numeric, label, isActive: bool(item, 'isActive') ?? true });
  }
  return out;
}
