import { ChannelParams } from '../auth.js';
import { Ok } from '../common.js';
import {
  ConfirmBody,
  Connector,
  ConnectorList,
  ConnectorParams,
  CreateConnectorBody,
  UpdateCredentialsBody,
} from '../connectors.js';
import { defineEndpoint } from '../endpoint.js';
import {
  LookupSearchQuery,
  PsaCompanyPage,
  PsaServicePage,
  RefreshLookupsBody,
  RefreshLookupsResult,
} from '../lookups.js';
import {
  NotificationSettings,
  NotificationSettingsBody,
  NotificationTestBody,
  NotificationTestResult,
} from '../notifications.js';
import { Reconciliation, ReconciliationQuery } from '../reconciliation.js';
import {
  AddedTeamMember,
  AddTeamMemberBody,
  ChangeTeamRoleBody,
  TeamList,
  TeamMember,
  TeamMemberParams,
  TeamParams,
} from '../team.js';
import { Type } from 'typebox';
import { channel, connector, legacyChannel, legacyConnector } from './paths.js';

const tags = ['connectors'];

/** Control Panel → Connectors → PSA. Reads: any role; changes: admins; delete: super admin. */
export const connectorEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: `${channel}/connectors`,
    legacyPath: `${legacyChannel}/connectors`,
    tags,
    params: ChannelParams,
    responses: { 200: ConnectorList },
  }),
  create: defineEndpoint({
    method: 'POST',
    path: `${channel}/connectors`,
    legacyPath: `${legacyChannel}/connectors`,
    tags,
    params: ChannelParams,
    body: CreateConnectorBody,
    responses: { 201: Connector },
  }),
  get: defineEndpoint({
    method: 'GET',
    path: connector,
    legacyPath: legacyConnector,
    tags,
    params: ConnectorParams,
    responses: { 200: Connector },
  }),
  updateCredentials: defineEndpoint({
    method: 'PUT',
    path: `${connector}/credentials`,
    legacyPath: `${legacyConnector}/credentials`,
    tags,
    params: ConnectorParams,
    body: UpdateCredentialsBody,
    responses: { 200: Connector },
  }),
  verify: defineEndpoint({
    method: 'POST',
    path: `${connector}/verify`,
    legacyPath: `${legacyConnector}/verify`,
    tags,
    params: ConnectorParams,
    responses: { 200: Connector },
  }),
  disconnect: defineEndpoint({
    method: 'POST',
    path: `${connector}/disconnect`,
    legacyPath: `${legacyConnector}/disconnect`,
    tags,
    params: ConnectorParams,
    body: ConfirmBody,
    responses: { 200: Connector },
  }),
  remove: defineEndpoint({
    method: 'DELETE',
    path: connector,
    legacyPath: legacyConnector,
    tags,
    params: ConnectorParams,
    body: ConfirmBody,
    responses: { 200: Ok },
  }),
} as const;

/** Cached PSA companies and services: searched here, never in the PSA per keystroke. */
export const lookupEndpoints = {
  companies: defineEndpoint({
    method: 'GET',
    path: `${connector}/lookups/companies`,
    legacyPath: `${legacyConnector}/lookups/companies`,
    tags: ['lookups'],
    params: ConnectorParams,
    query: LookupSearchQuery,
    responses: { 200: PsaCompanyPage },
  }),
  services: defineEndpoint({
    method: 'GET',
    path: `${connector}/lookups/services`,
    legacyPath: `${legacyConnector}/lookups/services`,
    tags: ['lookups'],
    params: ConnectorParams,
    query: LookupSearchQuery,
    responses: { 200: PsaServicePage },
  }),
  refresh: defineEndpoint({
    method: 'POST',
    path: `${connector}/lookups/refresh`,
    legacyPath: `${legacyConnector}/lookups/refresh`,
    tags: ['lookups'],
    params: ConnectorParams,
    body: RefreshLookupsBody,
    responses: { 200: RefreshLookupsResult },
  }),
} as const;

/** Run notification settings of one connector. The webhook secret is write-only. */
export const notificationEndpoints = {
  get: defineEndpoint({
    method: 'GET',
    path: `${connector}/notifications`,
    legacyPath: `${legacyConnector}/notifications`,
    tags: ['notifications'],
    params: ConnectorParams,
    responses: { 200: NotificationSettings },
  }),
  put: defineEndpoint({
    method: 'PUT',
    path: `${connector}/notifications`,
    legacyPath: `${legacyConnector}/notifications`,
    tags: ['notifications'],
    params: ConnectorParams,
    body: NotificationSettingsBody,
    responses: { 200: NotificationSettings },
  }),
  test: defineEndpoint({
    method: 'POST',
    path: `${connector}/notifications/test`,
    legacyPath: `${legacyConnector}/notifications/test`,
    tags: ['notifications'],
    description:
      'Sends a labelled test notice once through each configured channel (e-mail, signed webhook) and reports each outcome; 409 when neither is configured.',
    params: ConnectorParams,
    body: NotificationTestBody,
    responses: { 200: NotificationTestResult },
  }),
} as const;

/** The monthly billing reconciliation of one connector: JSON for the console, CSV for the clerk. */
export const reconciliationEndpoints = {
  get: defineEndpoint({
    method: 'GET',
    path: `${connector}/reconciliation`,
    legacyPath: `${legacyConnector}/reconciliation`,
    tags: ['reconciliation'],
    description:
      'One row per mapped company × service for the month: Coro count vs PSA units per sub-period, adjustments written, manual changes, estimated charge; disagreeing rows first; totals and previous-month comparison. Reads the PSA.',
    params: ConnectorParams,
    query: ReconciliationQuery,
    responses: { 200: Reconciliation },
  }),
  csv: defineEndpoint({
    method: 'GET',
    path: `${connector}/reconciliation.csv`,
    legacyPath: `${legacyConnector}/reconciliation.csv`,
    tags: ['reconciliation'],
    params: ConnectorParams,
    query: ReconciliationQuery,
    responses: { 200: Type.String() },
    format: 'csv',
  }),
} as const;

/** The people of a channel. */
export const teamEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: `${channel}/team`,
    legacyPath: `${legacyChannel}/team`,
    tags: ['team'],
    params: TeamParams,
    responses: { 200: TeamList },
  }),
  add: defineEndpoint({
    method: 'POST',
    path: `${channel}/team`,
    legacyPath: `${legacyChannel}/team`,
    tags: ['team'],
    params: TeamParams,
    body: AddTeamMemberBody,
    responses: { 201: AddedTeamMember },
  }),
  changeRole: defineEndpoint({
    method: 'PATCH',
    path: `${channel}/team/:userId`,
    legacyPath: `${legacyChannel}/team/:userId`,
    tags: ['team'],
    params: TeamMemberParams,
    body: ChangeTeamRoleBody,
    responses: { 200: TeamMember },
  }),
  remove: defineEndpoint({
    method: 'DELETE',
    path: `${channel}/team/:userId`,
    legacyPath: `${legacyChannel}/team/:userId`,
    tags: ['team'],
    params: TeamMemberParams,
    responses: { 200: Ok },
  }),
} as const;
