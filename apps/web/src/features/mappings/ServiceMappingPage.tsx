import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';

import { lookupKey, useEnsureLookups, useServiceSearch } from '../../api/lookups.api.js';
import {
  useMapService,
  useServiceMappings,
  useServiceSuggestions,
  useUnmapService,
} from '../../api/mappings.api.js';
import type { BillingBasis, ServiceMappingItem } from '../../api/types.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { MappingTable } from '../../components/MappingTable.js';
import {
  defaultMappingQuery,
  type MappingRowStatus,
  type MappingTableRow,
} from '../../components/mapping-table.model.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { psaLabel } from '../connectors/PsaMark.js';

function serviceStatus(item: ServiceMappingItem, psaName: string): MappingRowStatus {
  const mapping = item.mapping;
  if (!mapping) return { tone: 'default', label: 'Not mapped' };
  if (!mapping.isPsaServicePresent) {
    return {
      tone: 'error',
      label: 'Service deleted',
      message: `The ${psaName} service no longer exists.`,
      advice: `Map another ${psaName} service.`,
    };
  }
  if (!mapping.isPsaServiceActive) {
    return {
      tone: 'warning',
      label: 'Inactive service',
      message: `The ${psaName} service is inactive.`,
      advice: `Reactivate it in ${psaName} or map an active one.`,
    };
  }
  return { tone: 'success', label: 'Mapped' };
}

const basisLabels: Record<BillingBasis, string> = { devices: 'Devices', users: 'Users' };

const reasonLabels = { name: undefined, abbreviation: 'same initials', alias: 'known alias' } as const;

/** Service mapping: each Coro module and add-on → a PSA service, billed per device or per user. */
export function ServiceMappingPage() {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const psaName = psaLabel(connector.kind);
  const list = useServiceMappings(channel.id, connector.id);
  const firstRead = useEnsureLookups(channel.id, connector, canEdit);
  const map = useMapService(channel.id, connector.id);
  const unmap = useUnmapService(channel.id, connector.id);
  const suggestions = useServiceSuggestions(channel.id, connector.id, canEdit);
  const [rowError, setRowError] = useState<{ rowId: string; error: unknown } | null>(null);
  const [pendingRowId, setPendingRowId] = useState<string | null>(null);

  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const byKey = useMemo(() => new Map(items.map((i) => [i.serviceKey, i])), [items]);
  const serviceNames = useMemo(() => new Map(items.map((i) => [i.serviceKey, i.serviceName])), [items]);
  const search = useServiceSearch(channel.id, connector.id, psaName, serviceNames);

  const suggestionByKey = useMemo(
    () => new Map((suggestions.data?.items ?? []).map((s) => [s.serviceKey, s.candidates[0]])),
    [suggestions.data],
  );

  const rows: MappingTableRow[] = items.map((item) => {
    const best = item.mapping ? undefined : suggestionByKey.get(item.serviceKey);
    return {
      id: item.serviceKey,
      name: item.serviceName,
      tag: item.serviceKind === 'addon' ? 'Add-on' : 'Module',
      target: item.mapping ? { id: item.mapping.psaServiceId, name: item.mapping.psaServiceName } : null,
      status: serviceStatus(item, psaName),
      suggestion: best
        ? {
            id: best.psaServiceId,
            name: best.psaServiceName,
            score: best.score,
            reason: reasonLabels[best.reason],
          }
        : null,
    };
  });

  const [announcement, setAnnouncement] = useState<string | null>(null);
  const nameOf = (key: string) => rows.find((r) => r.id === key)?.name ?? key;
  const save = (serviceKey: string, target: { id: string; name: string }, billingBasis?: BillingBasis) => {
    setPendingRowId(serviceKey);
    setRowError(null);
    setAnnouncement(null);
    map.mutate(
      { serviceKey, psaServiceId: target.id, billingBasis },
      {
        onSuccess: () => setAnnouncement(`Mapped ${nameOf(serviceKey)} to ${target.name}`),
        onError: (error) => {
          setRowError({ rowId: serviceKey, error });
          setAnnouncement(`Mapping ${nameOf(serviceKey)} failed`);
        },
        onSettled: () => setPendingRowId(null),
      },
    );
  };

  const mappedCount = items.filter((i) => i.mapping).length;

  return (
    <Stack spacing={2.5}>
      <Box>
        <Typography variant="h5" component="h2">
          Service mapping
        </Typography>
        <Typography color="text.secondary" sx={{ mt: 0.5, maxWidth: 760 }}>
          Link each Coro module and add-on to the {psaName} service on your customers&apos; contracts. Units
          are counted per protected device or per protected user. {mappedCount} of {items.length} services
          mapped.
        </Typography>
      </Box>
      {firstRead.isPending ? (
        <Alert severity="info" icon={<CircularProgress size={18} />}>
          Reading services from {psaName} for the first time…
        </Alert>
      ) : null}
      {firstRead.isError ? (
        <ErrorAlert error={firstRead.error} title={`Reading from ${psaName} failed`} />
      ) : null}
      {unmap.isError ? <ErrorAlert error={unmap.error} title="Unmapping failed" /> : null}
      <Paper variant="outlined" sx={{ p: { xs: 1.5, md: 2.5 } }}>
        {list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <MappingTable
            subjectLabel="Coro service"
            targetLabel={`${psaName} Services`}
            psaName={psaName}
            subjectPlural="services"
            rows={rows}
            total={rows.length}
            query={defaultMappingQuery}
            onQueryChange={() => undefined}
            hasToolbar={false}
            search={search}
            searchKey={lookupKey(connector.id, 'services')}
            onMap={(row, option) => save(row.id, option, byKey.get(row.id)?.mapping?.billingBasis)}
            onUnmap={(row) =>
              unmap.mutate(row.id, { onSuccess: () => setAnnouncement(`Unmapped ${row.name}`) })
            }
            onConfirmSuggestion={(row) => row.suggestion && save(row.id, row.suggestion)}
            announcement={announcement}
            pendingRowId={pendingRowId}
            rowError={rowError}
            isLoading={list.isFetching}
            readOnly={!canEdit}
            extraColumns={[
              {
                header: 'Billing basis',
                render: (row) => {
                  const item = byKey.get(row.id);
                  if (!item) return null;
                  const basis = item.mapping?.billingBasis ?? item.defaultBillingBasis;
                  if (!canEdit || !item.mapping) {
                    return <Typography variant="body2">{basisLabels[basis]}</Typography>;
                  }
                  const mapping = item.mapping;
                  return (
                    <TextField
                      select
                      size="small"
                      value={basis}
                      onChange={(e) =>
                        save(
                          row.id,
                          { id: mapping.psaServiceId, name: mapping.psaServiceName },
                          e.target.value as BillingBasis,
                        )
                      }
                      slotProps={{ htmlInput: { 'aria-label': `Billing basis for ${row.name}` } }}
                      disabled={pendingRowId === row.id}
                      sx={{ minWidth: 120 }}
                    >
                      <MenuItem value="devices">Devices</MenuItem>
                      <MenuItem value="users">Users</MenuItem>
                    </TextField>
                  );
                },
              },
            ]}
          />
        )}
      </Paper>
    </Stack>
  );
}
