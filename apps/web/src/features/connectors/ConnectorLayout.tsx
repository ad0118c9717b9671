import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { Suspense } from 'react';
import { Link as RouterLink, Outlet, useLocation, useOutletContext, useParams } from 'react-router';

import { useConnector } from '../../api/connectors.api.js';
import type { Connector } from '../../api/types.js';
import { PageLoading } from '../../app/AppLayout.js';
import { useChannel } from '../../app/channel-context.js';
import { paths } from '../../app/paths.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PsaMark, psaLabel } from './PsaMark.js';
import { SyncTimes } from './SyncTimes.js';
import { useDocumentTitle } from '../../lib/use-document-title.js';

export interface ConnectorOutletContext {
  readonly connector: Connector;
}

export function useConnectorContext(): ConnectorOutletContext {
  return useOutletContext<ConnectorOutletContext>();
}

const sections = [
  { key: 'workspace-mapping', label: 'Workspace mapping', path: paths.workspaceMapping },
  { key: 'service-mapping', label: 'Service mapping', path: paths.serviceMapping },
  { key: 'sync', label: 'Sync', path: paths.sync },
  { key: 'reconciliation', label: 'Reconciliation', path: paths.reconciliation },
  { key: 'settings', label: 'Settings', path: paths.settings },
] as const;

/** Frame of one connector's pages: breadcrumbs, status and the section tabs. */
export function ConnectorLayout() {
  const { channel } = useChannel();
  const { connectorId = '' } = useParams();
  const location = useLocation();
  const connector = useConnector(channel.id, connectorId);
  const current = sections.find((s) => location.pathname.endsWith(`/${s.key}`))?.key ?? false;
  // Until the connector is read its PSA is unknown: the neutral "PSA" of the breadcrumb above it.
  const psaName = connector.data ? psaLabel(connector.data.kind) : 'PSA';
  useDocumentTitle(sections.find((s) => s.key === current)?.label, psaName, channel.displayName);

  return (
    <Stack spacing={2.5}>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to={paths.connectors(channel.id)} color="inherit">
          Connectors
        </Link>
        <Link component={RouterLink} to={paths.connectors(channel.id)} color="inherit">
          PSA
        </Link>
        <Typography color="text.primary">{psaName}</Typography>
      </Breadcrumbs>
      {connector.isPending ? (
        <Skeleton height={56} width={320} />
      ) : connector.isError ? (
        <ErrorAlert error={connector.error} onRetry={() => void connector.refetch()} />
      ) : (
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
          <PsaMark kind={connector.data.kind} size={44} />
          {/* A ConnectWise user reads "company+publicKey@site · site": one long word that must
              break on a phone instead of pushing the page 15 px sideways. */}
          <Box sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            <Typography variant="h4" component="h1">
              {psaName}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {connector.data.username}
              {connector.data.zoneName ? ` · ${connector.data.zoneName}` : ''}
            </Typography>
            <SyncTimes connector={connector.data} />
          </Box>
          <Chip
            label={connector.data.status === 'connected' ? 'Connected' : 'Error'}
            color={connector.data.status === 'connected' ? 'success' : 'error'}
            size="small"
            variant="outlined"
          />
        </Stack>
      )}
      <Box sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Tabs value={current} aria-label="Connector sections" variant="scrollable" allowScrollButtonsMobile>
          {sections.map((s) => (
            <Tab
              key={s.key}
              value={s.key}
              label={s.label}
              component={RouterLink}
              to={s.path(channel.id, connectorId)}
            />
          ))}
        </Tabs>
      </Box>
      {connector.data ? (
        <Suspense fallback={<PageLoading />}>
          <Outlet context={{ connector: connector.data } satisfies ConnectorOutletContext} />
        </Suspense>
      ) : null}
    </Stack>
  );
}
