import { Type, type Static } from 'typebox';

import { Id, Timestamp } from './common.js';

export const psaKindValues = ['autotask', 'connectwise'] as const;
export const PsaKindSchema = Type.Enum(psaKindValues);

export const connectorStatusValues = ['connected', 'error', 'disconnected'] as const;
export type ConnectorStatusValue = (typeof connectorStatusValues)[number];

/** "Setup required" (nothing mapped yet) or "N mapped". */
export const mappingStates = ['setup_required', 'mapped'] as const;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Why a connector is in `error`: the PSA's reason code, a sentence and what to do. */
export const ConnectorStatusReason = Type.Object({
  code: Type.String(),
  message: Type.String(),
  advice: Nullable(Type.String()),
});
export type ConnectorStatusReason = Static<typeof ConnectorStatusReason>;

export const MappingSummary = Type.Object({
  state: Type.Enum(mappingStates),
  mapped: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 0 }),
  /** Mapped rows whose last contract check was not ok (workspace mapping only). */
  problems: Type.Integer({ minimum: 0 }),
});
export type MappingSummary = Static<typeof MappingSummary>;

/**
 * A connector as every endpoint returns it. Sanitized by construction: there is no field that
 * could carry the secret.
 */
export const Connector = Type.Object(
  {
    id: Id,
    channelId: Id,
    kind: PsaKindSchema,
    status: Type.Enum(connectorStatusValues),
    statusReason: Nullable(ConnectorStatusReason),
    username: Type.String(),
    /** True when the connector overrides the server's default API tracking identifier. */
    hasIntegrationCodeOverride: Type.Boolean(),
    zoneName: Nullable(Type.String()),
    lastVerifiedAt: Nullable(Timestamp),
    lastSyncAt: Nullable(Timestamp),
    nextSyncAt: Nullable(Timestamp),
    /**
     * The daily schedule behind `nextSyncAt`: `localTime` in the MSP's `timeZone`, and how many
     * minutes after it this connector starts (a stable per-connector spread, so that thousands of
     * connectors do not hit their PSAs at the same minute). Null when no automatic sync is planned.
     */
    schedule: Nullable(
      Type.Object({
        localTime: Type.String(),
        timeZone: Type.String(),
        spreadMinutes: Type.Integer({ minimum: 0 }),
      }),
    ),
    /**
     * True until an admin applied a reviewed preview (or started the schedule): the daily sync does
     * not run before ("Daily sync starts after your first reviewed sync"), so `nextSyncAt` is null.
     */
    isAwaitingFirstReviewedSync: Type.Boolean(),
    /** ISO 4217 code of the PSA's currency (unit prices and money impacts are in it); null if unknown. */
    currency: Nullable(Type.String()),
    companiesRefreshedAt: Nullable(Timestamp),
    servicesRefreshedAt: Nullable(Timestamp),
    workspaceMapping: MappingSummary,
    serviceMapping: MappingSummary,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Connector' },
);
export type Connector = Static<typeof Connector>;

export const ConnectorList = Type.Object({ items: Type.Array(Connector) });
export type ConnectorList = Static<typeof ConnectorList>;

const Username = Type.String({ minLength: 1, maxLength: 200 });
const Secret = Type.String({ minLength: 1, maxLength: 500 });
const IntegrationCode = Type.String({ minLength: 1, maxLength: 200 });

/** CONNECT: verified against the PSA before anything is stored. */
export const CreateConnectorBody = Type.Object(
  {
    kind: PsaKindSchema,
    username: Username,
    secret: Secret,
    /**
     * ConnectWise PSA: `companyId+publicKey@site` (its Basic-auth user and where it lives) with the
     * private key as `secret`. Autotask: the API user's e-mail.
     */
    /** Overrides the server's AUTOTASK_INTEGRATION_CODE (ConnectWise: CONNECTWISE_CLIENT_ID) for this connector. */
    integrationCode: Type.Optional(IntegrationCode),
  },
  { additionalProperties: false },
);
export type CreateConnectorBody = Static<typeof CreateConnectorBody>;

/** New credentials are verified before they replace the stored ones. `integrationCode: null` drops the override. */
export const UpdateCredentialsBody = Type.Object(
  {
    username: Type.Optional(Username),
    secret: Type.Optional(Secret),
    integrationCode: Type.Optional(Nullable(IntegrationCode)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCredentialsBody = Static<typeof UpdateCredentialsBody>;

/** Destructive actions say so explicitly. */
export const ConfirmBody = Type.Object({ confirm: Type.Literal(true) }, { additionalProperties: false });
export type ConfirmBody = Static<typeof ConfirmBody>;

export const ConnectorParams = Type.Object({ channelId: Id, connectorId: Id });
export type ConnectorParams = Static<typeof ConnectorParams>;
