export const paths = {
  login: '/login',
  team: (channelId: string) => `/channels/${channelId}/control-panel/team`,
  connectors: (channelId: string) => `/channels/${channelId}/control-panel/connectors/psa`,
  connector: (channelId: string, connectorId: string) =>
    `/channels/${channelId}/control-panel/connectors/psa/${connectorId}`,
  workspaceMapping: (channelId: string, connectorId: string) =>
    `${paths.connector(channelId, connectorId)}/workspace-mapping`,
  serviceMapping: (channelId: string, connectorId: string) =>
    `${paths.connector(channelId, connectorId)}/service-mapping`,
  sync: (channelId: string, connectorId: string) => `${paths.connector(channelId, connectorId)}/sync`,
  reconciliation: (channelId: string, connectorId: string) =>
    `${paths.connector(channelId, connectorId)}/reconciliation`,
  settings: (channelId: string, connectorId: string) => `${paths.connector(channelId, connectorId)}/settings`,
};
