import { Type, type Static, type TSchema } from 'typebox';

/**
 * Every reason code an API error can carry. The server maps each to one HTTP status in
 * `apps/server/src/http/plugins/error-handler.ts`; the console switches on them.
 * `psa_*` codes pass a PSA adapter's failure through (see `PsaErrorCode` in the server's PSA port).
 */
export const appErrorCodes = [
  'validation_failed',
  'bad_request',
  'unauthenticated',
  'forbidden',
  /** Signed in with a one-time password: only changing it is allowed until then. */
  'password_change_required',
  'not_found',
  'method_not_allowed',
  'conflict',
  /** The e-mail already has a role on this channel (team). */
  'already_member',
  /** The change would leave the channel without an admin (team). */
  'last_admin',
  /** A reviewed preview no longer matches the present (details: `PreviewStaleDetails`). */
  'preview_stale',
  'csrf_failed',
  'rate_limited',
  'locked_out',
  'payload_too_large',
  'unsupported_media_type',
  'unavailable',
  'psa_bad_username',
  'psa_bad_secret',
  'psa_bad_integration_code',
  'psa_permission_denied',
  'psa_rate_limited',
  'psa_zone_unknown',
  'psa_timeout',
  'psa_validation_failed',
  'psa_unavailable',
  'psa_not_found',
  'internal',
] as const;
export type AppErrorCode = (typeof appErrorCodes)[number];

export const ErrorCode = Type.Enum(appErrorCodes, { $id: 'ErrorCode' });

/** Every non-2xx body: `{ error: { code, message, details? }, reqId }`. */
export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
    reqId: Type.String(),
  },
  { $id: 'ErrorEnvelope' },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/** App-generated UUIDv7 (text). Validated loosely by shape so odd ids answer 400, not a DB error. */
export const Id = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
export type Id = Static<typeof Id>;

/** Calendar day `YYYY-MM-DD` (UTC). */
export const Day = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
export type Day = Static<typeof Day>;

/** ISO-8601 UTC instant. */
export const Timestamp = Type.String({ format: 'date-time' });
export type Timestamp = Static<typeof Timestamp>;

export const IdParams = Type.Object({ id: Id });
export type IdParams = Static<typeof IdParams>;

/**
 * The largest offset a page query accepts: far beyond any list here, and inside a 32-bit integer
 * so no database driver ever sees a number it cannot bind (SQLite answered 2^63 with a 500).
 */
export const MAX_PAGE_OFFSET = 2_147_483_647;

/** Spread into a querystring schema: `Type.Object({ ...pageQueryProperties, search: … })`. */
export const pageQueryProperties = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 })),
};
export const PageQuery = Type.Object(pageQueryProperties);
export type PageQuery = Static<typeof PageQuery>;

/** A page of items with the total matching count (offset paging: lists here are small). */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ minimum: 0 }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
export interface PageOf<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** 204-style acknowledgement for endpoints that have nothing to return. */
export const Ok = Type.Object({ ok: Type.Literal(true) });
export type Ok = Static<typeof Ok>;

/** Spread into a route's `response` so OpenAPI documents the error envelope. */
export const errorResponses = { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope } as const;
