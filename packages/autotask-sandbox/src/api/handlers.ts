import { createEntity, deleteEntity, updateEntity, type UpdateMode } from '../entities/operations.js';
import type { EntityDef, EntityRecord, FieldDef, Verb } from '../entities/entity-types.js';
import { toWire, type WireItem } from '../entities/serialize.js';
import type { WriteContext } from '../entities/write-context.js';
import { compileFilter, resolveField, type UdfLookup } from '../query/filter.js';
import {
  firstPageStart,
  pageLinks,
  parseCursor,
  readPage,
  countMatches,
  type PagingCursor,
} from '../query/paging.js';
import { maxPageSize, parseQueryText, readQueryBody } from '../query/query-body.js';
import { ApiError } from '../api-error.js';
import { parentFieldOf, type ApiAction } from '../router.js';
import { entityFields, entityInformation, userDefinedFields } from './metadata.js';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiRequest {
  method: Verb;
  entity: EntityDef;
  action: ApiAction;
  allowed: readonly Verb[];
  searchParams: URLSearchParams;
  bodyText: string;
  /** `{zoneUrl}V1.0/` as the client addressed it, for nextPageUrl. */
  apiBase: string;
  isReadOnlyUser: boolean;
  ctx: WriteContext;
}

export function methodNotAllowed(method: string): ApiResponse {
  return {
    status: 405,
    body: { Message: `The requested resource does not support http method '${method}'.` },
  };
}

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new ApiError('The request body is empty.', 400);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(`The request is invalid: ${(error as Error).message}`, 400);
  }
}

function requireWriteAccess(req: ApiRequest, verb: 'create' | 'update' | 'delete'): void {
  if (req.isReadOnlyUser) {
    throw new ApiError(
      `The logged in Resource does not have the adequate permissions to ${verb} this entity type.`,
    );
  }
}

interface QueryInput {
  text: string;
  fromGet: boolean;
}

function queryInput(req: ApiRequest): QueryInput {
  if (req.method === 'GET') {
    const search = req.searchParams.get('search');
    if (search === null || search.trim() === '') throw new ApiError('The search parameter is required.');
    return { text: search, fromGet: true };
  }
  if (req.bodyText.trim() === '') throw new ApiError('The query body is required.', 400);
  return { text: req.bodyText, fromGet: false };
}

function udfLookup(req: ApiRequest): UdfLookup {
  const { udfs } = req.ctx.db;
  const entity = req.entity.name;
  return { find: (name) => udfs.find(entity, name), value: (id, name) => udfs.get(entity, id, name) };
}

function wire(req: ApiRequest, record: EntityRecord, include: ReadonlySet<FieldDef> | null = null): WireItem {
  const udfs = req.entity.hasUserDefinedFields ? req.ctx.db.udfs.wire(req.entity.name, record.id) : [];
  return toWire(req.entity, record, include, udfs);
}

function includeSet(def: EntityDef, names: readonly string[] | null): Set<FieldDef> | null {
  return names === null ? null : new Set(names.map((n) => resolveField(def, n)));
}

function runQuery(req: ApiRequest, cursor: PagingCursor | null): ApiResponse {
  const input = queryInput(req);
  const query = readQueryBody(parseQueryText(input.text));
  const { predicate, hint } = compileFilter(req.entity, query.filter, udfLookup(req));
  const include = includeSet(req.entity, query.includeFields);
  const effective: PagingCursor = cursor ?? {
    pageSize: query.maxRecords ?? maxPageSize,
    previousIds: [],
    nextIds: [firstPageStart],
  };
  const source = req.ctx.db.source(req.entity.name);
  const page = readPage(source, predicate, hint, effective.nextIds[0] ?? firstPageStart, effective.pageSize);
  const links = pageLinks(
    `${req.apiBase}${req.entity.name}/query/next`,
    effective,
    page.nextStart,
    input.fromGet ? input.text : null,
  );
  return ok({
    items: page.items.map((r) => wire(req, r, include)),
    pageDetails: { count: page.items.length, requestCount: effective.pageSize, ...links },
  });
}

function runCount(req: ApiRequest): ApiResponse {
  const query = readQueryBody(parseQueryText(queryInput(req).text));
  const { predicate, hint } = compileFilter(req.entity, query.filter, udfLookup(req));
  return ok({ queryCount: countMatches(req.ctx.db.source(req.entity.name), predicate, hint) });
}

function childItems(req: ApiRequest, parentId: number): ApiResponse {
  const field = parentFieldOf(req.entity) ?? 'id';
  const { predicate, hint } = compileFilter(req.entity, [{ op: 'eq', field, value: parentId }]);
  const page = readPage(
    req.ctx.db.source(req.entity.name),
    predicate,
    hint,
    firstPageStart,
    Number.MAX_SAFE_INTEGER,
  );
  return ok({
    items: page.items.map((r) => wire(req, r)),
    pageDetails: {
      count: page.items.length,
      requestCount: maxPageSize,
      prevPageUrl: null,
      nextPageUrl: null,
    },
  });
}

function write(req: ApiRequest, parentId: number | null): ApiResponse {
  const body = parseJsonBody(req.bodyText);
  if (req.method === 'POST') {
    requireWriteAccess(req, 'create');
    return ok({ itemId: createEntity(req.ctx, req.entity, body, parentId) });
  }
  requireWriteAccess(req, 'update');
  return ok({ itemId: updateEntity(req.ctx, req.entity, body, req.method as UpdateMode, parentId) });
}

/** Dispatches an authenticated, admitted API request to its handler. */
export function handleApi(req: ApiRequest): ApiResponse {
  const { action, method } = req;
  if (!req.allowed.includes(method)) return methodNotAllowed(method);
  switch (action.kind) {
    case 'collection':
      return write(req, null);
    case 'item': {
      if (method === 'DELETE') {
        requireWriteAccess(req, 'delete');
        return ok({ itemId: deleteEntity(req.ctx, req.entity, action.id) });
      }
      const record = req.ctx.db.get(req.entity.name, action.id);
      return ok({ item: record ? wire(req, record) : null });
    }
    case 'query':
      return runQuery(req, null);
    case 'count':
      return runCount(req);
    case 'next': {
      // A POSTed query's nextPageUrl carries no `search`, so a GET on it cannot be answered.
      if (method === 'GET' && !req.searchParams.has('search')) return methodNotAllowed(method);
      return runQuery(req, parseCursor(req.searchParams.get('paging')));
    }
    case 'info':
      if (action.part === 'entity') return ok(entityInformation(req.entity, req.isReadOnlyUser));
      return ok(
        action.part === 'fields'
          ? entityFields(req.entity)
          : userDefinedFields(req.ctx.db.udfs.list(req.entity.name)),
      );
    case 'childCollection':
      if (method === 'GET') return childItems(req, action.parentId);
      return write(req, action.parentId);
    case 'childItem': {
      const field = parentFieldOf(req.entity) ?? 'id';
      const record = req.ctx.db.get(req.entity.name, action.id);
      const belongs = record !== undefined && record[field] === action.parentId;
      if (method === 'DELETE') {
        requireWriteAccess(req, 'delete');
        if (!belongs) throw new ApiError(`${req.entity.singular} with id ${action.id} was not found.`);
        return ok({ itemId: deleteEntity(req.ctx, req.entity, action.id) });
      }
      return ok({ item: belongs ? wire(req, record) : null });
    }
  }
}
