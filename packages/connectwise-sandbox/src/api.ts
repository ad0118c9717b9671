import { checkRole, type ApiMember } from './auth.js';
import { CwError, notFound } from './cw-error.js';
import { applyPatch, buildAddition, objectBody } from './entities/additions-write.js';
import { collections, stripAlias, type Collection } from './entities/collections.js';
import {
  agreementPatch,
  catalogPatch,
  companyPatch,
  patchRecord,
  type PatchSpec,
} from './entities/record-patch.js';
import type { WireContext } from './entities/serialize.js';
import { additionWire } from './entities/serialize.js';
import {
  filterRecords,
  parseCountQuery,
  parseListQuery,
  projectFields,
  sortRecords,
} from './query/list-query.js';
import type { Tenant } from './state.js';
import { wireDate } from './util/dates.js';

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ApiRequest {
  tenant: Tenant;
  member: ApiMember;
  method: string;
  /** the path after `apis/3.0/`, as sent */
  path: string;
  search: URLSearchParams;
  headers: Headers;
  bodyText: string;
  /** `https://host:port/{codebase}apis/3.0` */
  apiBase: string;
  nowMs: number;
}

const patchSpecs: Record<string, PatchSpec | undefined> = {
  'company/companies': companyPatch,
  'procurement/catalog': catalogPatch,
  'finance/agreements': agreementPatch,
};

type Target = { collection: Collection; parentId: number | null; tail: 'list' | 'count' | number };

const compiled = collections.map((collection) => ({
  collection,
  pattern: new RegExp(`^${collection.path.replace('{parentId}', '(\\d+)')}(?:/(count|\\d+))?$`, 'i'),
}));

/** Which collection, parent and record a path names; null for paths the sandbox does not serve. */
export function resolvePath(path: string): Target | null {
  const clean = path.replace(/\/+$/, '');
  for (const { collection, pattern } of compiled) {
    const m = pattern.exec(clean);
    if (!m) continue;
    const hasParent = collection.path.includes('{parentId}');
    const parentId = hasParent ? Number(m[1]) : null;
    const tail = m[hasParent ? 2 : 1];
    return {
      collection,
      parentId,
      tail: tail === undefined ? 'list' : tail.toLowerCase() === 'count' ? 'count' : Number(tail),
    };
  }
  return null;
}

/** `finance/agreements/12/additions/5` → `finance/agreements/{id}/additions/{id}` (for request counts). */
export function pathTemplate(path: string): string {
  return path
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\/\d+(?=\/|$)/g, '/{id}');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CwError(400, 'InvalidObject', 'The request body is not valid JSON.');
  }
}

function linkHeader(request: ApiRequest, page: number, lastPage: number): string | undefined {
  const url = (n: number): string => {
    const params = new URLSearchParams([...request.search].filter(([k]) => k.toLowerCase() !== 'page'));
    params.append('page', String(n));
    return `<${request.apiBase}/${request.path.replace(/\/+$/, '')}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${url(1)}; rel="first"`, `${url(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) links.push(`${url(page + 1)}; rel="next"`, `${url(lastPage)}; rel="last"`);
  return links.length === 0 ? undefined : links.join(', ');
}

function list(request: ApiRequest, ctx: WireContext, target: Target): ApiReply {
  const { collection } = target;
  const records = collection.list(ctx, target.parentId);
  if (records === null) throw notFound('Agreement', target.parentId ?? 0);
  const query = parseListQuery(request.search, request.headers, collection.fields);
  const matching = filterRecords(records, [query.conditions, query.childConditions]);
  let pageRows;
  const headers: Record<string, string> = {};
  if (query.forwardOnly) {
    pageRows = matching.filter((r) => (r.id as number) > query.pageId).slice(0, query.pageSize);
    const nextId = pageRows.length === 0 ? query.pageId : (pageRows.at(-1)?.id as number);
    const params = new URLSearchParams([...request.search].filter(([k]) => k.toLowerCase() !== 'pageid'));
    params.append('pageId', String(nextId));
    headers.link = `<${request.apiBase}/${request.path.replace(/\/+$/, '')}?${params.toString()}>; rel="next"`;
  } else {
    const sorted = sortRecords(matching, query.orderBy);
    const lastPage = Math.max(1, Math.ceil(sorted.length / query.pageSize));
    pageRows = sorted.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const link = linkHeader(request, query.page, lastPage);
    if (link !== undefined) headers.link = link;
  }
  const body = pageRows.map((r) =>
    query.fields ? projectFields(stripAlias(r), query.fields) : stripAlias(r),
  );
  return { status: 200, body, headers };
}

function writeAddition(request: ApiRequest, ctx: WireContext, target: Target): ApiReply {
  const db = request.tenant.db;
  const agreementId = target.parentId ?? 0;
  if (!db.agreements.has(agreementId)) throw notFound('Agreement', agreementId);
  const actor = request.member.memberIdentifier;
  const log = (additionId: number, body: unknown): void => {
    db.writes.push({
      method: request.method as 'POST',
      path: request.path,
      agreementId,
      additionId,
      body,
      receivedAt: wireDate(request.nowMs),
    });
  };
  if (request.method === 'POST' && target.tail === 'list') {
    const body = parseJson(request.bodyText);
    const row = buildAddition(db, objectBody(body), {
      id: db.newAdditionId(),
      agreementId,
      actor,
      nowMs: request.nowMs,
    });
    db.putAddition(row);
    log(row.id, body);
    return { status: 201, body: additionWire(ctx, row) };
  }
  if (typeof target.tail !== 'number') return methodNotAllowed(request.method);
  const existing = db.additions.get(target.tail);
  if (!existing || existing.agreementId !== agreementId) throw notFound('AgreementAddition', target.tail);
  const identity = { id: existing.id, agreementId, actor, nowMs: request.nowMs, entered: existing };
  switch (request.method) {
    case 'DELETE':
      db.deleteAddition(existing.id);
      log(existing.id, null);
      return { status: 204, body: undefined };
    case 'PUT':
    case 'PATCH': {
      const body = parseJson(request.bodyText);
      const input = request.method === 'PUT' ? objectBody(body) : applyPatch(existing, body);
      const row = buildAddition(db, input, identity);
      db.putAddition(row);
      log(row.id, body);
      return { status: 200, body: additionWire(ctx, row) };
    }
    default:
      return methodNotAllowed(request.method);
  }
}

function methodNotAllowed(method: string): ApiReply {
  return {
    status: 405,
    body: {
      code: 'MethodNotAllowed',
      message: `The requested resource does not support http method '${method}'.`,
      errors: null,
    },
  };
}

/** Answers one authenticated API request. Expected failures come back as CwError. */
export function handleApi(request: ApiRequest): ApiReply {
  const ctx: WireContext = { db: request.tenant.db, apiBase: request.apiBase, nowMs: request.nowMs };
  if (request.path.toLowerCase().replace(/\/+$/, '') === 'system/info') {
    checkRole(request.member, 'system', 'GET');
    if (request.method !== 'GET') return methodNotAllowed(request.method);
    return {
      status: 200,
      body: {
        version: 'v2025.1.0.0',
        isCloud: true,
        serverTimeZone: 'Eastern Standard Time',
        cloudRegion: 'NA',
        licenseBits: [],
      },
    };
  }
  const target = resolvePath(request.path);
  if (target === null) throw new CwError(404, 'NotFound', `No resource matches '${request.path}'.`);
  checkRole(request.member, target.collection.area, request.method);
  if (target.collection.path.endsWith('/additions') && request.method !== 'GET')
    return writeAddition(request, ctx, target);
  const patchSpec = patchSpecs[target.collection.path];
  if (request.method === 'PATCH' && patchSpec && typeof target.tail === 'number') {
    const body = parseJson(request.bodyText);
    patchRecord(
      patchSpec,
      request.tenant.db,
      target.tail,
      body,
      request.member.memberIdentifier,
      request.nowMs,
    );
    const updated = target.collection.get(ctx, target.tail, null);
    return { status: 200, body: updated === null ? null : stripAlias(updated) };
  }
  if (request.method !== 'GET') return methodNotAllowed(request.method);
  if (target.tail === 'list') return list(request, ctx, target);
  if (target.tail === 'count') {
    const records = target.collection.list(ctx, target.parentId);
    if (records === null) throw notFound('Agreement', target.parentId ?? 0);
    return {
      status: 200,
      body: {
        count: filterRecords(records, parseCountQuery(request.search, target.collection.fields)).length,
      },
    };
  }
  const record = target.collection.get(ctx, target.tail, target.parentId);
  if (record === null) throw notFound(target.collection.resource, target.tail);
  const fields = parseListQuery(request.search, new Headers(), target.collection.fields).fields;
  return { status: 200, body: fields ? projectFields(stripAlias(record), fields) : stripAlias(record) };
}
