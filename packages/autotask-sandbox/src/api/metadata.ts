import type { EntityDef } from '../entities/entity-types.js';
import type { UdfDefinition } from '../store/udfs.js';

export function entityInformation(def: EntityDef, isReadOnlyUser: boolean): unknown {
  const access = (allowed: boolean): number => (allowed ? 1 : 0);
  return {
    info: {
      name: def.singular,
      canCreate: def.canCreate,
      canDelete: def.canDelete,
      canQuery: def.canQuery,
      canUpdate: def.canUpdate,
      userAccessForCreate: access(def.canCreate && !isReadOnlyUser),
      userAccessForDelete: access(def.canDelete && !isReadOnlyUser),
      userAccessForQuery: access(def.canQuery),
      userAccessForUpdate: access(def.canUpdate && !isReadOnlyUser),
      hasUserDefinedFields: def.hasUserDefinedFields,
      supportsWebhookCallouts: false,
    },
  };
}

/** Picklist `value`s are strings even for integer fields, as on the real API. */
export function entityFields(def: EntityDef): unknown {
  return {
    fields: def.fields.map((f) => ({
      name: f.name,
      dataType: f.dataType,
      length: f.length,
      isRequired: f.isRequired,
      isReadOnly: f.isReadOnly,
      isQueryable: f.isQueryable,
      isReference: f.referenceEntityType !== null,
      referenceEntityType: f.referenceEntityType ?? '',
      isPickList: f.picklist !== null,
      picklistValues: f.picklist,
      picklistParentValueField: '',
      isSupportedWebhookField: false,
    })),
  };
}

export function userDefinedFields(definitions: readonly UdfDefinition[]): unknown {
  return {
    fields: definitions.map((d) => ({
      name: d.name,
      label: d.label,
      type: d.type,
      length: d.length,
      description: d.label,
      isRequired: d.isRequired,
      isReadOnly: false,
      isQueryable: true,
      isReference: false,
      referenceEntityType: '',
      isPickList: false,
      picklistValues: null,
      picklistParentValueField: '',
      defaultValue: '',
      isSupportedWebhookField: false,
    })),
  };
}
