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

/** `{ path, legacyPath, tags }` of a route below one channel, e.g. `underChannel('team', tags)`. */
export const underChannel = <R extends string>(rest: R, tags: readonly string[]) =>
  ({
    path: `${channel}/${rest}`,
    legacyPath: `${legacyChannel}/${rest}`,
    tags,
  }) as const;

/** `{ path, legacyPath, tags }` of a route below one connector, e.g. `underConnector('sync/runs', tags)`. */
export const underConnector = <R extends string>(rest: R, tags: readonly string[]) =>
  ({
    path: `${connector}/${rest}`,
    legacyPath: `${legacyConnector}/${rest}`,
    tags,
  }) as const;
