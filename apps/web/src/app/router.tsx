import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';

import { AppLayout, PageLoading } from './AppLayout.js';
import { RootRedirect } from './RootRedirect.js';
import { RouteError } from './RouteError.js';

/**
 * Every screen is its own chunk (`lazy`): the first load carries the shell only, and the mapping
 * and sync screens arrive when opened.
 */
export const routes: RouteObject[] = [
  {
    path: '/login',
    hydrateFallbackElement: <PageLoading />,
    lazy: async () => ({ Component: (await import('../features/auth/LoginPage.js')).LoginPage }),
    errorElement: <RouteError />,
  },
  { path: '/', element: <RootRedirect />, errorElement: <RouteError /> },
  {
    path: '/channels/:channelId',
    element: <AppLayout />,
    hydrateFallbackElement: <PageLoading />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="control-panel/connectors/psa" replace /> },
      { path: 'control-panel', element: <Navigate to="connectors/psa" replace /> },
      { path: 'control-panel/connectors', element: <Navigate to="psa" replace /> },
      {
        path: 'control-panel/connectors/psa',
        lazy: async () => ({
          Component: (await import('../features/connectors/ConnectorsPage.js')).ConnectorsPage,
        }),
      },
      {
        path: 'control-panel/team',
        lazy: async () => ({ Component: (await import('../features/team/TeamPage.js')).TeamPage }),
      },
      {
        path: 'control-panel/connectors/psa/:connectorId',
        lazy: async () => ({
          Component: (await import('../features/connectors/ConnectorLayout.js')).ConnectorLayout,
        }),
        children: [
          { index: true, element: <Navigate to="workspace-mapping" replace /> },
          {
            path: 'workspace-mapping',
            lazy: async () => ({
              Component: (await import('../features/mappings/WorkspaceMappingPage.js')).WorkspaceMappingPage,
            }),
          },
          {
            path: 'service-mapping',
            lazy: async () => ({
              Component: (await import('../features/mappings/ServiceMappingPage.js')).ServiceMappingPage,
            }),
          },
          {
            path: 'sync',
            lazy: async () => ({ Component: (await import('../features/sync/SyncPage.js')).SyncPage }),
          },
          {
            path: 'reconciliation',
            lazy: async () => ({
              Component: (await import('../features/reconciliation/ReconciliationPage.js'))
                .ReconciliationPage,
            }),
          },
          {
            path: 'settings',
            lazy: async () => ({
              Component: (await import('../features/settings/SettingsPage.js')).SettingsPage,
            }),
          },
        ],
      },
    ],
  },
  { path: '*', element: <RootRedirect /> },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
