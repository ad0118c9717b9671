import { AuditPage, AuditQuery } from '../audit.js';
import { ChannelParams } from '../auth.js';
import {
  CatalogServiceList,
  ChannelUsage,
  ChannelUsageQuery,
  UsageIngestBody,
  UsageIngestResult,
  UsageSeries,
  UsageSeriesQuery,
} from '../usage.js';
import { LineMembers, LineMembersQuery } from '../members.js';
import { defineEndpoint } from '../endpoint.js';
import {
  ChildrenQuery,
  CreateChildBody,
  UpdateWorkspaceBody,
  Workspace,
  WorkspacePage,
  WorkspaceParams,
} from '../workspaces.js';
import { channel, legacyChannel } from './paths.js';

const tags = ['workspaces'];

export const workspaceEndpoints = {
  listChildren: defineEndpoint({
    method: 'GET',
    path: `${channel}/children`,
    legacyPath: `${legacyChannel}/children`,
    tags,
    params: ChannelParams,
    query: ChildrenQuery,
    responses: { 200: WorkspacePage },
  }),
  createChild: defineEndpoint({
    method: 'POST',
    path: `${channel}/children`,
    legacyPath: `${legacyChannel}/children`,
    tags,
    params: ChannelParams,
    body: CreateChildBody,
    responses: { 201: Workspace },
  }),
  get: defineEndpoint({
    method: 'GET',
    path: '/api/workspaces/:id',
    tags,
    params: WorkspaceParams,
    responses: { 200: Workspace },
  }),
  update: defineEndpoint({
    method: 'PATCH',
    path: '/api/workspaces/:id',
    tags,
    params: WorkspaceParams,
    body: UpdateWorkspaceBody,
    responses: { 200: Workspace },
  }),
  audit: defineEndpoint({
    method: 'GET',
    path: '/api/workspaces/:channelId/audit',
    tags: ['audit'],
    description: 'The audit trail of a workspace (a channel, or a child workspace for its own view).',
    params: ChannelParams,
    query: AuditQuery,
    responses: { 200: AuditPage },
  }),
} as const;

export const catalogEndpoints = {
  /** Any signed-in user: the catalog is the same for every channel. */
  services: defineEndpoint({
    method: 'GET',
    path: '/api/catalog/services',
    tags: ['catalog'],
    responses: { 200: CatalogServiceList },
  }),
} as const;

export const usageEndpoints = {
  ingest: defineEndpoint({
    method: 'PUT',
    path: `${channel}/usage`,
    tags: ['usage'],
    description:
      'Idempotent batch upsert of daily usage; all rows or none. Machine token (usage:write) or an admin session.',
    params: ChannelParams,
    body: UsageIngestBody,
    responses: { 200: UsageIngestResult },
  }),
  channelDay: defineEndpoint({
    method: 'GET',
    path: `${channel}/usage`,
    tags: ['usage'],
    description:
      'Counts of every child workspace × catalog service on one day (the latest with data by default); 0 where nothing was reported.',
    params: ChannelParams,
    query: ChannelUsageQuery,
    responses: { 200: ChannelUsage },
  }),
  series: defineEndpoint({
    method: 'GET',
    path: '/api/workspaces/:id/usage',
    tags: ['usage'],
    params: WorkspaceParams,
    query: UsageSeriesQuery,
    responses: { 200: UsageSeries },
  }),
  members: defineEndpoint({
    method: 'GET',
    path: '/api/workspaces/:id/usage/members',
    tags: ['usage'],
    description:
      'Drill-down of one line (workspace × service): the members in the count on `day`, and with `since` who joined or left.',
    params: WorkspaceParams,
    query: LineMembersQuery,
    responses: { 200: LineMembers },
  }),
} as const;
