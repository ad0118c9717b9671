import type { EntityDef, Verb } from './entities/entity-types.js';
import { entityByName, requireEntity } from './entities/schema.js';

export type ApiAction =
  | { kind: 'collection' }
  | { kind: 'item'; id: number }
  | { kind: 'query' }
  | { kind: 'count' }
  | { kind: 'next' }
  | { kind: 'info'; part: 'entity' | 'fields' | 'udfs' }
  | { kind: 'childCollection'; parentId: number }
  | { kind: 'childItem'; parentId: number; id: number };

export type Route =
  | { kind: 'versionInformation' }
  | { kind: 'zoneInformation' }
  | { kind: 'thresholdInformation'; zone: number }
  | { kind: 'api'; zone: number; entity: EntityDef; action: ApiAction; allowed: readonly Verb[] }
  | { kind: 'notFound' };

interface ChildRoute {
  entity: string;
  parentField: string;
  collection: readonly Verb[];
  item: readonly Verb[];
}

/** Parent/child URLs of reference §6.2, with exactly the verbs the real API answers. */
const childRoutes: Record<string, Record<string, ChildRoute>> = {
  contracts: {
    services: {
      entity: 'ContractServices',
      parentField: 'contractID',
      collection: ['GET', 'POST', 'PATCH', 'PUT'],
      item: ['GET'],
    },
    serviceunits: {
      entity: 'ContractServiceUnits',
      parentField: 'contractID',
      collection: ['GET'],
      item: ['GET'],
    },
    serviceadjustments: {
      entity: 'ContractServiceAdjustments',
      parentField: 'contractID',
      collection: ['POST'],
      item: [],
    },
  },
  servicebundles: {
    services: {
      entity: 'ServiceBundleServices',
      parentField: 'serviceBundleID',
      collection: ['GET', 'POST'],
      item: ['GET', 'DELETE'],
    },
  },
};

export function parentFieldOf(child: EntityDef): string | undefined {
  for (const children of Object.values(childRoutes)) {
    for (const c of Object.values(children)) if (c.entity === child.name) return c.parentField;
  }
  return undefined;
}

const idPattern = /^-?\d+$/;

function rootVerbs(def: EntityDef, action: ApiAction): readonly Verb[] {
  switch (action.kind) {
    case 'collection': {
      const verbs: Verb[] = [];
      if (def.canCreate) verbs.push('POST');
      if (def.canUpdate) verbs.push('PATCH', 'PUT');
      return verbs;
    }
    case 'item': {
      const verbs: Verb[] = [];
      if (def.canGetById) verbs.push('GET');
      if (def.canDelete) verbs.push('DELETE');
      return verbs;
    }
    case 'query':
    case 'count':
    case 'next':
      return def.canQuery ? ['GET', 'POST'] : [];
    case 'info':
      return ['GET'];
    case 'childCollection':
    case 'childItem':
      return [];
  }
}

function infoPart(rest: readonly string[]): 'entity' | 'fields' | 'udfs' | null {
  if (rest.length === 0) return 'entity';
  if (rest.length !== 1) return null;
  const part = rest[0]?.toLowerCase();
  return part === 'fields' ? 'fields' : part === 'userdefinedfields' ? 'udfs' : null;
}

function entityRoute(zone: number, segments: readonly string[]): Route {
  const [first, second, third, ...more] = segments;
  const def = first === undefined ? undefined : entityByName(first);
  if (!def) return { kind: 'notFound' };
  const api = (action: ApiAction, allowed?: readonly Verb[], entity: EntityDef = def): Route => ({
    kind: 'api',
    zone,
    entity,
    action,
    allowed: allowed ?? rootVerbs(entity, action),
  });
  if (second === undefined) return api({ kind: 'collection' });
  const lowerSecond = second.toLowerCase();
  if (lowerSecond === 'query') {
    if (third === undefined) return api({ kind: 'query' });
    if (more.length > 0) return { kind: 'notFound' };
    if (third.toLowerCase() === 'count') return api({ kind: 'count' });
    if (third.toLowerCase() === 'next') return api({ kind: 'next' });
    return { kind: 'notFound' };
  }
  if (lowerSecond === 'entityinformation') {
    const part = infoPart(segments.slice(2));
    return part ? api({ kind: 'info', part }) : { kind: 'notFound' };
  }
  if (!idPattern.test(second)) return { kind: 'notFound' };
  const id = Number(second);
  if (third === undefined) return api({ kind: 'item', id });
  const child = childRoutes[def.name.toLowerCase()]?.[third.toLowerCase()];
  if (!child) return { kind: 'notFound' };
  const childDef = requireEntity(child.entity);
  const [fourth, ...rest] = more;
  if (fourth === undefined) return api({ kind: 'childCollection', parentId: id }, child.collection, childDef);
  if (fourth.toLowerCase() === 'entityinformation') {
    const part = infoPart(rest);
    return part ? api({ kind: 'info', part }, ['GET'], childDef) : { kind: 'notFound' };
  }
  if (!idPattern.test(fourth) || rest.length > 0) return { kind: 'notFound' };
  return api({ kind: 'childItem', parentId: id, id: Number(fourth) }, child.item, childDef);
}

/**
 * Paths are case-insensitive like IIS. Zones are path prefixes on one port: zone 1 is
 * `/ATServicesRest/`, zone N is `/zN/ATServicesRest/`.
 */
export function parseRoute(pathname: string): Route {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return { kind: 'notFound' };
  }
  let zone = 1;
  const zoneMatch = /^z(\d+)$/i.exec(segments[0] ?? '');
  if (zoneMatch) {
    zone = Number(zoneMatch[1]);
    segments = segments.slice(1);
  }
  if (segments[0]?.toLowerCase() !== 'atservicesrest') return { kind: 'notFound' };
  const second = segments[1]?.toLowerCase();
  if (second === 'versioninformation' && segments.length === 2) return { kind: 'versionInformation' };
  if (second !== 'v1.0') return { kind: 'notFound' };
  const rest = segments.slice(2);
  const head = rest[0]?.toLowerCase();
  if (head === 'zoneinformation' && rest.length === 1) return { kind: 'zoneInformation' };
  if (head === 'thresholdinformation' && rest.length === 1) return { kind: 'thresholdInformation', zone };
  return entityRoute(zone, rest);
}

export function zonePrefix(zone: number): string {
  return zone === 1 ? '/ATServicesRest/' : `/z${zone}/ATServicesRest/`;
}
