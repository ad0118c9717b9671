import AddIcon from '@mui/icons-material/Add';
import CableIcon from '@mui/icons-material/Cable';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import ErrorIcon from '@mui/icons-material/Error';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tabs from '@mui/material/Tabs';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useRef, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';

import { useConnectors, useDeleteConnector } from '../../api/connectors.api.js';
import type { Connector, MappingSummary } from '../../api/types.js';
import { useChannel } from '../../app/channel-context.js';
import { paths } from '../../app/paths.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { describeNextSync, formatDateTime } from '../../lib/format.js';
import { AddConnectorDialogs } from './AddConnectorDialogs.js';
import { UpdateCredentialsDialog } from './UpdateCredentialsDialog.js';
import { PsaMark, psaLabel } from './PsaMark.js';
import { visuallyHidden } from '../../lib/visually-hidden.js';
import { useDocumentTitle } from '../../lib/use-document-title.js';

export function mappingLabel(summary: MappingSummary): string {
  return summary.state === 'setup_required' || summary.mapped === 0
    ? 'Setup required'
    : `${summary.mapped} mapped`;
}

/** Control Panel → Workspace → Connectors, PSA tab. */
export function ConnectorsPage() {
  const { channel, canEdit } = useChannel();
  const isPhone = useMediaQuery(useTheme().breakpoints.down('md'));
  const connectors = useConnectors(channel.id);
  const [isAddOpen, setAddOpen] = useState(false);
  useDocumentTitle('Connectors', channel.displayName);
  const items = connectors.data?.items ?? [];

  return (
    <Stack spacing={3}>
      <Box>
        <Typography variant="h4" component="h1">
          Connectors
        </Typography>
        <Typography color="text.secondary" sx={{ mt: 0.5 }}>
          Connect {channel.displayName} to the tools your MSP runs on. PSA connectors report each
          customer&apos;s protected devices and users to billing.
        </Typography>
      </Box>
      <Paper variant="outlined">
        <Box sx={{ borderBottom: 1, borderColor: 'divider', px: 2 }}>
          <Tabs value="psa" aria-label="Connector types">
            <Tab value="psa" label="PSA" id="tab-psa" aria-controls="panel-psa" />
          </Tabs>
        </Box>
        <Box role="tabpanel" id="panel-psa" aria-labelledby="tab-psa" sx={{ p: { xs: 2, md: 3 } }}>
          {connectors.isPending ? (
            <Stack spacing={1}>
              <Skeleton height={48} />
              <Skeleton height={48} />
            </Stack>
          ) : connectors.isError ? (
            <ErrorAlert error={connectors.error} onRetry={() => void connectors.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState canEdit={canEdit} onAdd={() => setAddOpen(true)} />
          ) : (
            <Stack spacing={2}>
              <Stack
                direction="row"
                sx={{ alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap', gap: 1 }}
              >
                <Typography variant="h6" component="h2">
                  PSA Connectors
                </Typography>
                {canEdit ? (
                  <Button variant="contained" startIcon={<AddIcon />} onClick={() => setAddOpen(true)}>
                    ADD CONNECTOR
                  </Button>
                ) : null}
              </Stack>
              {isPhone ? <ConnectorCards connectors={items} /> : <ConnectorTable connectors={items} />}
            </Stack>
          )}
        </Box>
      </Paper>
      {canEdit ? <AddConnectorDialogs open={isAddOpen} onClose={() => setAddOpen(false)} /> : null}
    </Stack>
  );
}

function EmptyState({ canEdit, onAdd }: { canEdit: boolean; onAdd: () => void }) {
  return (
    <Box sx={{ textAlign: 'center', py: 8, px: 2 }}>
      <Box
        aria-hidden
        sx={{
          width: 64,
          height: 64,
          mx: 'auto',
          mb: 2,
          borderRadius: '16px',
          bgcolor: '#eef2ff',
          color: 'primary.main',
          display: 'grid',
          placeItems: 'center',
        }}
      >
        <CableIcon fontSize="large" />
      </Box>
      <Typography variant="h6" component="h2" gutterBottom>
        No PSA connector yet
      </Typography>
      <Typography color="text.secondary" sx={{ maxWidth: 520, mx: 'auto', mb: 3 }}>
        Connect Autotask or ConnectWise PSA to report each customer&apos;s protected devices and users to the
        contract you bill from.
      </Typography>
      {canEdit ? (
        <Button variant="contained" size="large" onClick={onAdd}>
          ADD CONNECTOR
        </Button>
      ) : (
        <Typography variant="body2" color="text.secondary">
          An MSP Administrator can add one.
        </Typography>
      )}
    </Box>
  );
}

function StatusChip({ connector }: { connector: Connector }) {
  if (connector.status === 'connected') {
    return (
      <Chip icon={<CheckCircleIcon />} label="Connected" color="success" size="small" variant="outlined" />
    );
  }
  const reason = connector.statusReason;
  return (
    <Stack spacing={0.5} sx={{ alignItems: 'flex-start' }}>
      <Chip
        icon={<ErrorIcon />}
        label={connector.status === 'disconnected' ? 'Disconnected' : 'Error'}
        color="error"
        size="small"
        variant="outlined"
      />
      {reason ? (
        <Typography variant="caption" color="error.dark" sx={{ maxWidth: 260 }}>
          {reason.message}
          {reason.advice ? ` ${reason.advice}` : ''}
        </Typography>
      ) : null}
    </Stack>
  );
}

function MappingLink({ summary, to, label }: { summary: MappingSummary; to: string; label: string }) {
  const text = mappingLabel(summary);
  const isSetup = text === 'Setup required';
  return (
    <Stack spacing={0.25} sx={{ alignItems: 'flex-start' }}>
      <Link
        component={RouterLink}
        to={to}
        aria-label={`${label}: ${text}`}
        sx={{ fontWeight: 600, color: isSetup ? 'warning.dark' : 'primary.main' }}
      >
        {text}
      </Link>
      {!isSetup ? (
        <Typography variant="caption" color="text.secondary">
          of {summary.total}
          {summary.problems > 0 ? ` · ${summary.problems} with problems` : ''}
        </Typography>
      ) : null}
    </Stack>
  );
}

/** Secondary columns give way on a phone: the row menu and the connector's pages carry the same facts. */
const secondary = { display: { xs: 'none', md: 'table-cell' } } as const;

/**
 * A phone gets one card per connector instead of the table: every fact stays readable at 390 px and
 * nothing scrolls sideways (a 7-column table squeezed the PSA name to one letter per line).
 */
function ConnectorCards({ connectors }: { connectors: readonly Connector[] }) {
  const { channel } = useChannel();
  return (
    <Stack component="ul" spacing={1.5} aria-label="PSA Connectors" sx={{ listStyle: 'none', m: 0, p: 0 }}>
      {connectors.map((connector) => (
        <Paper component="li" key={connector.id} variant="outlined" sx={{ p: 2 }}>
          <Stack direction="row" spacing={1.5} sx={{ alignItems: 'flex-start' }}>
            <PsaMark kind={connector.kind} />
            <Box sx={{ minWidth: 0, flex: 1 }}>
              <Typography sx={{ fontWeight: 600 }}>{psaLabel(connector.kind)}</Typography>
              <Typography variant="caption" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
                {connector.username}
                {connector.zoneName ? ` · ${connector.zoneName}` : ''}
              </Typography>
            </Box>
            <RowMenu connector={connector} />
          </Stack>
          <Stack spacing={1} sx={{ mt: 1.5 }}>
            <Box>
              <StatusChip connector={connector} />
            </Box>
            {(
              [
                [
                  'Workspace mapping',
                  connector.workspaceMapping,
                  paths.workspaceMapping(channel.id, connector.id),
                ],
                ['Service mapping', connector.serviceMapping, paths.serviceMapping(channel.id, connector.id)],
              ] as const
            ).map(([label, summary, to]) => (
              <Stack
                key={label}
                direction="row"
                spacing={1}
                sx={{ alignItems: 'baseline', flexWrap: 'wrap' }}
              >
                <Typography variant="body2" color="text.secondary" aria-hidden>
                  {label}:
                </Typography>
                <MappingLink label={label} summary={summary} to={to} />
              </Stack>
            ))}
            <Typography variant="body2" color="text.secondary">
              Last sync {formatDateTime(connector.lastSyncAt)} ·{' '}
              {connector.isAwaitingFirstReviewedSync && connector.status !== 'disconnected'
                ? 'daily sync starts after your first reviewed sync'
                : `next ${describeNextSync(connector.nextSyncAt, connector.schedule).when}`}
            </Typography>
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

function ConnectorTable({ connectors }: { connectors: readonly Connector[] }) {
  const { channel } = useChannel();
  return (
    // Positioned so that the visually hidden header text stays inside the scroll box on a phone
    // instead of widening the page.
    <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 2, position: 'relative' }}>
      <Table aria-label="PSA Connectors">
        <TableHead>
          <TableRow>
            <TableCell>PSA</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Workspace mapping</TableCell>
            <TableCell sx={secondary}>Service mapping</TableCell>
            <TableCell sx={secondary}>Last sync</TableCell>
            <TableCell sx={secondary}>Next sync</TableCell>
            <TableCell align="right">
              <Box component="span" style={visuallyHidden}>
                Actions
              </Box>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {connectors.map((connector) => (
            <TableRow key={connector.id} hover>
              <TableCell>
                <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
                  <PsaMark kind={connector.kind} />
                  <Box sx={{ minWidth: 0, overflowWrap: { xs: 'anywhere', md: 'normal' } }}>
                    <Typography sx={{ fontWeight: 600 }}>{psaLabel(connector.kind)}</Typography>
                    <Typography variant="caption" color="text.secondary">
                      {connector.username}
                      {connector.zoneName ? ` · ${connector.zoneName}` : ''}
                    </Typography>
                  </Box>
                </Stack>
              </TableCell>
              <TableCell>
                <StatusChip connector={connector} />
              </TableCell>
              <TableCell>
                <MappingLink
                  label="Workspace mapping"
                  summary={connector.workspaceMapping}
                  to={paths.workspaceMapping(channel.id, connector.id)}
                />
              </TableCell>
              <TableCell sx={secondary}>
                <MappingLink
                  label="Service mapping"
                  summary={connector.serviceMapping}
                  to={paths.serviceMapping(channel.id, connector.id)}
                />
              </TableCell>
              <TableCell sx={secondary}>{formatDateTime(connector.lastSyncAt)}</TableCell>
              <TableCell sx={secondary}>
                {connector.isAwaitingFirstReviewedSync && connector.status !== 'disconnected'
                  ? 'Daily sync starts after your first reviewed sync'
                  : describeNextSync(connector.nextSyncAt, connector.schedule).when}
              </TableCell>
              <TableCell align="right">
                <RowMenu connector={connector} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function RowMenu({ connector }: { connector: Connector }) {
  const { channel, canEdit } = useChannel();
  const navigate = useNavigate();
  const remove = useDeleteConnector(channel.id);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [isConfirming, setConfirming] = useState(false);
  const [isUpdatingCredentials, setUpdatingCredentials] = useState(false);
  // The menu item that opened a dialog is gone when it closes: focus returns to the row's button.
  const menuButton = useRef<HTMLButtonElement>(null);
  const go = (to: string) => {
    setAnchor(null);
    void navigate(to);
  };
  return (
    <>
      <Tooltip title="More actions">
        <IconButton
          ref={menuButton}
          aria-label={`${psaLabel(connector.kind)} connector actions`}
          onClick={(e) => setAnchor(e.currentTarget)}
        >
          <MoreVertIcon />
        </IconButton>
      </Tooltip>
      <Menu anchorEl={anchor} open={Boolean(anchor)} onClose={() => setAnchor(null)}>
        <MenuItem onClick={() => go(paths.sync(channel.id, connector.id))}>
          <ListItemText>Sync</ListItemText>
        </MenuItem>
        <MenuItem onClick={() => go(paths.settings(channel.id, connector.id))}>
          <ListItemText>Settings</ListItemText>
        </MenuItem>
        {canEdit ? (
          <MenuItem
            onClick={() => {
              setAnchor(null);
              setUpdatingCredentials(true);
            }}
          >
            <ListItemText>Update credentials</ListItemText>
          </MenuItem>
        ) : null}
        {canEdit ? (
          <MenuItem
            onClick={() => {
              setAnchor(null);
              setConfirming(true);
            }}
            sx={{ color: 'error.main' }}
          >
            <ListItemText>Remove connector</ListItemText>
          </MenuItem>
        ) : null}
      </Menu>
      {isUpdatingCredentials ? (
        <UpdateCredentialsDialog
          connector={connector}
          onClose={() => {
            setUpdatingCredentials(false);
            menuButton.current?.focus();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={isConfirming}
        title={`Remove the ${psaLabel(connector.kind)} connector?`}
        confirmLabel="Remove"
        isDestructive
        isPending={remove.isPending}
        onCancel={() => {
          setConfirming(false);
          menuButton.current?.focus();
        }}
        onConfirm={() => remove.mutate(connector.id, { onSuccess: () => setConfirming(false) })}
      >
        Syncing stops and the stored secret is deleted. Units already in {psaLabel(connector.kind)} are left
        as they are.
        {remove.isError ? <ErrorAlert error={remove.error} sx={{ mt: 2 }} /> : null}
      </ConfirmDialog>
    </>
  );
}
