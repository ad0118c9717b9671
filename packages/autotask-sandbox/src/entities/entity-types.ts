export const dataTypes = ['long', 'integer', 'decimal', 'boolean', 'string', 'datetime'] as const;
export type DataType = (typeof dataTypes)[number];

export type FieldValue = string | number | boolean | null;

export interface UdfValue {
  name: string;
  value: string | null;
}

/** Sparse storage: absent keys serialise as null, which keeps 50 000 light companies cheap. */
export type EntityRecord = Record<string, FieldValue> & { id: number };

export interface PicklistValue {
  value: string;
  label: string;
  isDefaultValue: boolean;
  sortOrder: number;
  parentValue: string | null;
  isActive: boolean;
  isSystem: boolean;
}

export interface FieldDef {
  name: string;
  dataType: DataType;
  /** Json wire name in lower case, for case-insensitive lookups. */
  key: string;
  isDateOnly: boolean;
  isRequired: boolean;
  isReadOnly: boolean;
  isQueryable: boolean;
  referenceEntityType: string | null;
  picklist: readonly PicklistValue[] | null;
  length: number;
}

export type Verb = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface EntityDef {
  /** Plural URL name, e.g. `Companies`. */
  name: string;
  /** Singular name used in error messages: "Unable to find x in the Company Entity". */
  singular: string;
  fields: readonly FieldDef[];
  fieldByKey: ReadonlyMap<string, FieldDef>;
  hasUserDefinedFields: boolean;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  canQuery: boolean;
  canGetById: boolean;
}
