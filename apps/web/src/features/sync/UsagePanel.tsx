import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';

import { useServiceMappings, useWorkspaceMappings } from '../../api/mappings.api.js';
import { useUsageSeries } from '../../api/sync.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { UnitsChart } from '../../components/UnitsChart.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** Coro's daily counts for one mapped workspace and service, as a chart. */
export function UsagePanel() {
  const { channel } = useChannel();
  const { connector } = useConnectorContext();
  const mapped = useWorkspaceMappings(channel.id, connector.id, {
    filter: 'mapped',
    sort: 'workspace',
    order: 'asc',
    limit: 500,
    offset: 0,
  });
  const services = useServiceMappings(channel.id, connector.id);
  const workspaces = mapped.data?.items ?? [];
  const serviceItems = useMemo(() => (services.data?.items ?? []).filter((s) => s.mapping), [services.data]);
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  const [serviceKey, setServiceKey] = useState<string | null>(null);
  const ws = workspaceId ?? workspaces[0]?.workspaceId ?? null;
  const svc = serviceKey ?? serviceItems[0]?.serviceKey ?? null;
  const basis = serviceItems.find((s) => s.serviceKey === svc)?.mapping?.billingBasis ?? 'devices';
  const from = useMemo(() => daysAgo(29), []);
  const usage = useUsageSeries(ws, svc, from);
  const points = (usage.data?.series.find((s) => s.serviceKey === svc)?.points ?? []).map((p) => ({
    day: p.day,
    value: basis === 'users' ? p.users : p.devices,
  }));
  const wsName = workspaces.find((w) => w.workspaceId === ws)?.workspaceName ?? '';
  const svcName = serviceItems.find((s) => s.serviceKey === svc)?.serviceName ?? '';

  return (
    <Paper variant="outlined" sx={{ p: 2.5 }}>
      <Stack
        direction={{ xs: 'column', md: 'row' }}
        spacing={2}
        sx={{ justifyContent: 'space-between', alignItems: { md: 'center' }, mb: 2 }}
      >
        <Box>
          <Typography variant="subtitle1" component="h3">
            Units over time
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Protected {basis} counted by Coro per day, last 30 days.
          </Typography>
        </Box>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1.5}>
          <TextField
            select
            size="small"
            label="Workspace"
            value={ws ?? ''}
            onChange={(e) => setWorkspaceId(e.target.value)}
            sx={{ minWidth: 220 }}
            disabled={workspaces.length === 0}
          >
            {workspaces.map((w) => (
              <MenuItem key={w.workspaceId} value={w.workspaceId}>
                {w.workspaceName}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            size="small"
            label="Service"
            value={svc ?? ''}
            onChange={(e) => setServiceKey(e.target.value)}
            sx={{ minWidth: 200 }}
            disabled={serviceItems.length === 0}
          >
            {serviceItems.map((s) => (
              <MenuItem key={s.serviceKey} value={s.serviceKey}>
                {s.serviceName}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
      </Stack>
      {usage.isError ? <ErrorAlert error={usage.error} /> : null}
      {ws && svc ? (
        <UnitsChart points={points} label={`${svcName} ${basis} for ${wsName}`} unit={basis} />
      ) : (
        <Typography variant="body2" color="text.secondary" sx={{ py: 4, textAlign: 'center' }}>
          Map a workspace and a service to see their units over time.
        </Typography>
      )}
    </Paper>
  );
}
