import { auditRoutes } from './audit.routes.js';
import { authRoutes } from './auth.routes.js';
import { catalogRoutes } from './catalog.routes.js';
import { connectorRoutes } from './connectors.routes.js';
import { lookupRoutes } from './lookups.routes.js';
import { mappingRoutes } from './mappings.routes.js';
import { memberRoutes } from './members.routes.js';
import { reconciliationRoutes } from './reconciliation.routes.js';
import type { RoutePlugin } from './route-plugin.js';
import { syncRoutes } from './sync.routes.js';
import { notificationsRoutes } from './notifications.routes.js';
import { teamRoutes } from './team.routes.js';
import { undoRoutes } from './undo.routes.js';
import { usageRoutes } from './usage.routes.js';
import { workspaceRoutes } from './workspaces.routes.js';

/** Every API route module, in registration order. One line per module: add yours here. */
export const routePlugins: readonly RoutePlugin[] = [
  authRoutes,
  workspaceRoutes,
  catalogRoutes,
  usageRoutes,
  memberRoutes,
  auditRoutes,
  connectorRoutes,
  lookupRoutes,
  mappingRoutes,
  syncRoutes,
  notificationsRoutes,
  undoRoutes,
  reconciliationRoutes,
  teamRoutes,
];
