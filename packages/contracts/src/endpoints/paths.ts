// The URL scheme, once (ADR 0014):
// - `/api/channels/:channelId/…`   what only a channel has: children, connectors and all below them,
//                                  team, machine tokens, usage ingest and the day view;
// - `/api/workspaces/:id/…`        what any workspace has: itself, its usage series and members, audit;
// - `/api/auth/…`, `/api/catalog/…` not scoped to a workspace.
// `legacy*` are the paths channel routes had before: still served (deprecated) for one release.

export const channel = '/api/channels/:channelId' as const;
export const legacyChannel = '/api/workspaces/:channelId' as const;
export const connector = `${channel}/connectors/:connectorId` as const;
export const legacyConnector = `${legacyChannel}/connectors/:connectorId` as const;
