import { authEndpoints } from './auth.endpoints.js';
import {
  connectorEndpoints,
  lookupEndpoints,
  notificationEndpoints,
  reconciliationEndpoints,
  teamEndpoints,
} from './connectors.endpoints.js';
import { mappingEndpoints } from './mappings.endpoints.js';
import { syncEndpoints } from './sync.endpoints.js';
import { catalogEndpoints, usageEndpoints, workspaceEndpoints } from './workspaces.endpoints.js';

/**
 * Every endpoint of the HTTP API, once (ADR 0014). The server registers each (`serve`), the
 * console calls them (`call`), tests inject them (`callEndpoint`); `/docs` is generated from them.
 */
export const endpoints = {
  auth: authEndpoints,
  catalog: catalogEndpoints,
  workspaces: workspaceEndpoints,
  usage: usageEndpoints,
  connectors: connectorEndpoints,
  lookups: lookupEndpoints,
  mappings: mappingEndpoints,
  sync: syncEndpoints,
  notifications: notificationEndpoints,
  reconciliation: reconciliationEndpoints,
  team: teamEndpoints,
} as const;
