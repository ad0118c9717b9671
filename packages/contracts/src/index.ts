// Every HTTP contract of the product, once: TypeBox schemas (runtime validation + OpenAPI) and
// their static types, imported by the server, the web console and the tests.
export * from './common.js';
export * from './auth.js';
export * from './workspaces.js';
export * from './usage.js';
export * from './audit.js';
export * from './connectors.js';
export * from './lookups.js';
export * from './mappings.js';
export * from './sync.js';
export * from './members.js';
export * from './reconciliation.js';
export * from './notifications.js';
export * from './team.js';
export * from './endpoint.js';
export { endpoints } from './endpoints/index.js';
