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
import { connector, legacyConnector, underChannel, underConnector } from './paths.js';

const tags = ['connectors'];

/** Control Panel → Connectors → PSA. Reads: any role; changes: admins; delete: super admin. */
export const connectorEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    ...underChannel('connectors', tags),
    params: ChannelParams,
    responses: { 200: ConnectorList },
  }),
  create: defineEndpoint({
    method: 'POST',
    ...underChannel('connectors', tags),
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
    ...underConnector('credentials', tags),
    params: ConnectorParams,
    body: UpdateCredentialsBody,
    responses: { 200: Connector },
  }),
  verify: defineEndpoint({
    method: 'POST',
    ...underConnector('verify', tags),
    params: ConnectorParams,
    responses: { 200: Connector },
  }),
  disconnect: defineEndpoint({
    method: 'POST',
    ...underConnector('disconnect', tags),
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
    ...underConnector('lookups/companies', ['lookups']),
    params: ConnectorParams,
    query: LookupSearchQuery,
    responses: { 200: PsaCompanyPage },
  }),
  services: defineEndpoint({
    method: 'GET',
    ...underConnector('lookups/services', ['lookups']),
    params: ConnectorParams,
    query: LookupSearchQuery,
    responses: { 200: PsaServicePage },
  }),
  refresh: defineEndpoint({
    method: 'POST',
    ...underConnector('lookups/refresh', ['lookups']),
    params: ConnectorParams,
    body: RefreshLookupsBody,
    responses: { 200: RefreshLookupsResult },
  }),
} as const;

/** Run notification settings of one connector. The webhook secret is write-only. */
export const notificationEndpoints = {
  get: defineEndpoint({
    method: 'GET',
    ...underConnector('notifications', ['notifications']),
    params: ConnectorParams,
    responses: { 200: NotificationSettings },
  }),
  put: defineEndpoint({
    method: 'PUT',
    ...underConnector('notifications', ['notifications']),
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
    ...underConnector('reconciliation', ['reconciliation']),
    description:
      'One row per mapped company × service for the month: Coro count vs PSA units per sub-period, adjustments written, manual changes, estimated charge; disagreeing rows first; totals and previous-month comparison. Reads the PSA.',
    params: ConnectorParams,
    query: ReconciliationQuery,
    responses: { 200: Reconciliation },
  }),
  csv: defineEndpoint({
    method: 'GET',
    ...underConnector('reconciliation.csv', ['reconciliation']),
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
    ...underChannel('team', ['team']),
    params: TeamParams,
    responses: { 200: TeamList },
  }),
  add: defineEndpoint({
    method: 'POST',
    ...underChannel('team', ['team']),
    params: TeamParams,
    body: AddTeamMemberBody,
    responses: { 201: AddedTeamMember },
  }),
  changeRole: defineEndpoint({
    method: 'PATCH',
    ...underChannel('team/:userId', ['team']),
    params: TeamMemberParams,
    body: ChangeTeamRoleBody,
    responses: { 200: TeamMember },
  }),
  remove: defineEndpoint({
    method: 'DELETE',
    ...underChannel('team/:userId', ['team']),
    params: TeamMemberParams,
    responses: { 200: Ok },
  }),
} as const;
