import { Type } from 'typebox';

import { ConnectorParams } from '../connectors.js';
import { defineEndpoint } from '../endpoint.js';
import {
  ApproveLinesBody,
  ApproveLinesResult,
  SyncLinesQuery,
  SyncRunDetail,
  SyncRunPage,
  SyncRunParams,
  SyncRunsQuery,
  SyncRunStarted,
  SyncSettings,
  SyncSettingsBody,
  UndoPreview,
  UndoRunBody,
  UndoStarted,
} from '../sync.js';
import { underConnector } from './paths.js';

const tags = ['sync'];

const at = <R extends string>(rest: R) => underConnector(`sync/${rest}`, tags);

/** Sync of one connector: settings, preview, run now, history, live progress, approvals, export, undo. */
export const syncEndpoints = {
  settings: defineEndpoint({
    method: 'GET',
    ...at('settings'),
    params: ConnectorParams,
    responses: { 200: SyncSettings },
  }),
  putSettings: defineEndpoint({
    method: 'PUT',
    ...at('settings'),
    params: ConnectorParams,
    body: SyncSettingsBody,
    responses: { 200: SyncSettings },
  }),
  preview: defineEndpoint({
    method: 'POST',
    ...at('preview'),
    description:
      'Plans a sync from a fresh read of the PSA and keeps it as a reviewable preview run; writes nothing.',
    params: ConnectorParams,
    responses: { 200: SyncRunDetail },
  }),
  apply: defineEndpoint({
    method: 'POST',
    ...at('runs/:runId/apply'),
    description:
      'Applies a reviewed preview exactly: 202 with the apply run, or 409 `preview_stale` with a fresh preview and what changed (nothing is written then).',
    params: SyncRunParams,
    responses: { 202: SyncRunStarted },
  }),
  start: defineEndpoint({
    method: 'POST',
    ...at('runs'),
    params: ConnectorParams,
    responses: { 202: SyncRunStarted },
  }),
  runs: defineEndpoint({
    method: 'GET',
    ...at('runs'),
    params: ConnectorParams,
    query: SyncRunsQuery,
    responses: { 200: SyncRunPage },
  }),
  run: defineEndpoint({
    method: 'GET',
    ...at('runs/:runId'),
    params: SyncRunParams,
    query: SyncLinesQuery,
    responses: { 200: SyncRunDetail },
  }),
  exportCsv: defineEndpoint({
    method: 'GET',
    ...at('runs/:runId/export.csv'),
    params: SyncRunParams,
    responses: { 200: Type.String() },
    format: 'csv',
  }),
  approve: defineEndpoint({
    method: 'POST',
    ...at('runs/:runId/approve'),
    params: SyncRunParams,
    body: ApproveLinesBody,
    responses: { 200: ApproveLinesResult },
  }),
  /** Server-sent events: `progress` (SyncProgress) while the run goes, then one `done` (SyncRun). */
  events: defineEndpoint({
    method: 'GET',
    ...at('runs/:runId/events'),
    params: SyncRunParams,
    responses: {},
    format: 'event-stream',
  }),
  undoPreview: defineEndpoint({
    method: 'POST',
    ...at('runs/:runId/undo-preview'),
    params: SyncRunParams,
    body: UndoRunBody,
    responses: { 200: UndoPreview },
  }),
  undo: defineEndpoint({
    method: 'POST',
    ...at('runs/:runId/undo'),
    params: SyncRunParams,
    body: UndoRunBody,
    responses: { 202: UndoStarted },
  }),
} as const;
