import DownloadIcon from '@mui/icons-material/Download';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import PreviewIcon from '@mui/icons-material/Preview';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';

import { useServiceMappings, useWorkspaceMappings } from '../../api/mappings.api.js';
import type { LineKind, SyncLine, SyncRun } from '../../api/sync-types.js';
import {
  isRunLive,
  syncRunCsvUrl,
  useApproveLines,
  useStartSync,
  useSyncRunDetail,
  useSyncRuns,
  useUsageSeries,
} from '../../api/sync.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { UnitsChart } from '../../components/UnitsChart.js';
import { formatDate, formatDateTime, formatDelta, plural } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { MembersDialog, type MembersLine } from '../reconciliation/MembersDialog.js';
import { RunProgress } from './RunProgress.js';

const isLive = isRunLive;
const linesPageSize = 50;

const runStatusChip: Record<
  SyncRun['status'],
  { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }
> = {
  queued: { label: 'Queued', color: 'default' },
  running: { label: 'Running', color: 'info' },
  succeeded: { label: 'Succeeded', color: 'success' },
  partial: { label: 'Partial', color: 'warning' },
  failed: { label: 'Failed', color: 'error' },
};

const lineChip: Record<
  LineKind,
  { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }
> = {
  unchanged: { label: 'Unchanged', color: 'default' },
  adjust: { label: 'Change', color: 'info' },
  held: { label: 'Held', color: 'warning' },
  skipped: { label: 'Skipped', color: 'default' },
  problem: { label: 'Problem', color: 'error' },
};

const lineFilters = [
  { key: 'all', label: 'All' },
  { key: 'adjust', label: 'Changes' },
  { key: 'held', label: 'Held' },
  { key: 'problem', label: 'Problems' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'unchanged', label: 'Unchanged' },
] as const;
type LineFilter = (typeof lineFilters)[number]['key'];

function lineStatusLabel(line: SyncLine): string {
  switch (line.status) {
    case 'applied':
      return 'Applied';
    case 'failed':
      return 'Failed';
    case 'approved':
      return 'Approved';
    case 'planned':
      return 'Planned';
    case 'stale':
      return 'Stale';
    case 'not_applied':
      return 'Not applied';
    case 'held':
    case 'none':
      return lineChip[line.kind].label;
  }
}

/** Sync: preview, Sync now with live progress, held changes, run history, CSV and a units chart. */
export function SyncPage() {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const runs = useSyncRuns(channel.id, connector.id);
  const start = useStartSync(channel.id, connector.id);
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  const [filter, setFilter] = useState<LineFilter>('all');
  const [page, setPage] = useState(0);
  const latest = runs.data?.items[0];
  const runId = selectedRunId ?? latest?.id ?? null;
  const detail = useSyncRunDetail(channel.id, connector.id, runId, {
    kind: filter === 'all' ? undefined : filter,
    limit: linesPageSize,
    offset: page * linesPageSize,
  });
  const current = detail.data?.run ?? latest;
  const select = (id: string | null) => {
    setSelectedRunId(id);
    setFilter('all');
    setPage(0);
  };

  const begin = (mode: 'apply' | 'dry-run') => start.mutate(mode, { onSuccess: (id) => select(id) });
  const isRunning = isLive(current) || start.isPending;
  const isSetup = connector.workspaceMapping.mapped > 0 && connector.serviceMapping.mapped > 0;

  return (
    <Stack spacing={2.5}>
      <Stack
        direction={{ xs: 'column', md: 'row' }}
        spacing={2}
        sx={{ justifyContent: 'space-between', alignItems: { md: 'flex-start' } }}
      >
        <Box>
          <Typography variant="h5" component="h2">
            Sync
          </Typography>
          <Typography color="text.secondary" sx={{ mt: 0.5, maxWidth: 720 }}>
            Pushes each mapped workspace&apos;s protected devices and users into the units of its Autotask
            contract services. Last sync {formatDateTime(connector.lastSyncAt)} · next{' '}
            {formatDateTime(connector.nextSyncAt)}.
          </Typography>
        </Box>
        {canEdit ? (
          <Stack direction="row" spacing={1} sx={{ flexShrink: 0 }}>
            <Button
              variant="outlined"
              startIcon={<PreviewIcon />}
              onClick={() => begin('dry-run')}
              disabled={isRunning || !isSetup}
            >
              Preview
            </Button>
            <Button
              variant="contained"
              startIcon={isRunning ? <CircularProgress size={16} color="inherit" /> : <PlayArrowIcon />}
              onClick={() => begin('apply')}
              disabled={isRunning || !isSetup}
            >
              Sync now
            </Button>
          </Stack>
        ) : null}
      </Stack>
      {!isSetup ? (
        <Alert severity="info">Map at least one workspace and one service before the first sync.</Alert>
      ) : null}
      {start.isError ? <ErrorAlert error={start.error} title="The sync could not start" /> : null}
      {runs.isError ? <ErrorAlert error={runs.error} onRetry={() => void runs.refetch()} /> : null}
      {current ? <RunSummary run={current} /> : null}
      {detail.isError ? <ErrorAlert error={detail.error} /> : null}
      {current ? (
        <RunLines
          run={current}
          since={previousApplyDate(runs.data?.items ?? [], current)}
          lines={detail.data?.lines.items ?? []}
          total={detail.data?.lines.total ?? 0}
          isLoading={detail.isPending}
          filter={filter}
          onFilterChange={(value) => {
            setFilter(value);
            setPage(0);
          }}
          page={page}
          onPageChange={setPage}
        />
      ) : null}
      <RunHistory runs={runs.data?.items ?? []} selectedId={runId} onSelect={select} />
      <UsagePanel />
    </Stack>
  );
}

function RunSummary({ run }: { run: SyncRun }) {
  const { channel } = useChannel();
  const { connector } = useConnectorContext();
  const live = isLive(run);
  const chip = runStatusChip[run.status];
  return (
    <Paper variant="outlined" sx={{ p: 2.5 }}>
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        spacing={1.5}
        sx={{ justifyContent: 'space-between', alignItems: { sm: 'center' }, mb: 1.5 }}
      >
        <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
          <Typography variant="subtitle1" component="h3">
            {run.mode === 'dry-run' ? 'Preview' : 'Sync'} of {formatDateTime(run.createdAt)}
          </Typography>
          <Chip size="small" label={chip.label} color={chip.color} />
          {run.effectiveDate ? (
            <Typography variant="body2" color="text.secondary">
              effective {formatDate(run.effectiveDate)}
            </Typography>
          ) : null}
        </Stack>
        {!live ? (
          <Button
            size="small"
            startIcon={<DownloadIcon />}
            href={syncRunCsvUrl(channel.id, connector.id, run.id)}
            download
          >
            Export CSV
          </Button>
        ) : null}
      </Stack>
      <RunProgress run={run} />
      <Stack direction="row" spacing={3} sx={{ mt: 2, flexWrap: 'wrap', rowGap: 1 }}>
        {[
          ['Changes', run.counters.adjusted],
          ['Unchanged', run.counters.unchanged],
          ['Held', run.counters.held],
          ['Problems', run.counters.problems],
          ['Skipped', run.counters.skipped],
          ['Failed', run.counters.failed],
          ['Units +', run.counters.unitsAdded],
          ['Units −', run.counters.unitsRemoved],
        ].map(([label, value]) => (
          <Box key={label}>
            <Typography variant="caption" color="text.secondary">
              {label}
            </Typography>
            <Typography variant="h6" component="p">
              {value}
            </Typography>
          </Box>
        ))}
      </Stack>
      {run.resumedAt ? (
        <Alert severity="info" sx={{ mt: 2 }}>
          Resumed after a restart at {formatDateTime(run.resumedAt)}; the lines and counts cover the whole
          run.
        </Alert>
      ) : null}
      {run.error ? (
        // A run interrupted by a shutdown waits (queued) to resume: that is news, not a failure.
        <Alert severity={run.status === 'queued' ? 'info' : 'error'} sx={{ mt: 2 }}>
          {run.error.message}
        </Alert>
      ) : null}
    </Paper>
  );
}

/** The effective date of the apply run before `run`: the members that changed since explain a delta. */
function previousApplyDate(runs: readonly SyncRun[], run: SyncRun): string | null {
  const day = run.effectiveDate;
  if (!day) return null;
  const earlier = runs
    .filter((r) => r.id !== run.id && r.mode === 'apply' && r.effectiveDate !== null && r.effectiveDate < day)
    .map((r) => r.effectiveDate ?? '')
    .sort();
  return earlier[earlier.length - 1] ?? null;
}

function RunLines({
  run,
  since,
  lines,
  total,
  isLoading,
  filter,
  onFilterChange,
  page,
  onPageChange,
}: {
  run: SyncRun;
  since: string | null;
  lines: readonly SyncLine[];
  total: number;
  isLoading: boolean;
  filter: LineFilter;
  onFilterChange: (filter: LineFilter) => void;
  page: number;
  onPageChange: (page: number) => void;
}) {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [members, setMembers] = useState<MembersLine | null>(null);
  const approve = useApproveLines(channel.id, connector.id);
  const items = lines;
  const approvable = items.filter((l) => l.kind === 'held' && l.status === 'held');
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Paper variant="outlined">
      <Stack
        direction={{ xs: 'column', md: 'row' }}
        sx={{ px: 2, pt: 1, justifyContent: 'space-between', alignItems: { md: 'center' } }}
      >
        <Tabs
          value={filter}
          onChange={(_e, value: LineFilter) => onFilterChange(value)}
          aria-label="Filter lines"
          variant="scrollable"
        >
          {lineFilters.map((f) => (
            <Tab key={f.key} value={f.key} label={f.label} sx={{ textTransform: 'none', fontWeight: 600 }} />
          ))}
        </Tabs>
        {canEdit && approvable.length > 0 ? (
          <Button
            variant="contained"
            color="warning"
            disabled={selected.size === 0 || approve.isPending}
            onClick={() =>
              approve.mutate(
                { runId: run.id, lineIds: [...selected] },
                { onSuccess: () => setSelected(new Set()) },
              )
            }
          >
            Approve {selected.size > 0 ? plural(selected.size, 'held change') : 'held changes'}
          </Button>
        ) : null}
      </Stack>
      {approve.isError ? (
        <ErrorAlert error={approve.error} title="Approval failed" sx={{ mx: 2, mb: 1 }} />
      ) : null}
      <TableContainer>
        <Table size="small" aria-label={run.mode === 'dry-run' ? 'Preview' : 'Sync lines'}>
          <TableHead>
            <TableRow>
              {canEdit ? <TableCell padding="checkbox" /> : null}
              <TableCell>Workspace</TableCell>
              <TableCell>Service</TableCell>
              <TableCell>Contract</TableCell>
              <TableCell align="right">Current</TableCell>
              <TableCell align="right">New</TableCell>
              <TableCell align="right">Delta</TableCell>
              <TableCell>Result</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.length === 0 ? (
              <TableRow>
                <TableCell colSpan={8} sx={{ py: 4, textAlign: 'center', color: 'text.secondary' }}>
                  {isLoading ? 'Loading…' : 'No lines here.'}
                </TableCell>
              </TableRow>
            ) : null}
            {items.map((line) => {
              const chip = lineChip[line.kind];
              const canApprove = canEdit && line.kind === 'held' && line.status === 'held';
              return (
                <TableRow key={line.id} hover>
                  {canEdit ? (
                    <TableCell padding="checkbox">
                      {canApprove ? (
                        <Checkbox
                          checked={selected.has(line.id)}
                          onChange={() => toggle(line.id)}
                          slotProps={{
                            input: { 'aria-label': `Approve ${line.workspaceName} ${line.serviceName}` },
                          }}
                        />
                      ) : null}
                    </TableCell>
                  ) : null}
                  <TableCell component="th" scope="row" sx={{ fontWeight: 600 }}>
                    {line.workspaceName}
                  </TableCell>
                  <TableCell>{line.serviceName}</TableCell>
                  <TableCell>{line.contractName ?? '—'}</TableCell>
                  <TableCell align="right">{line.currentUnits ?? '—'}</TableCell>
                  <TableCell align="right" sx={{ fontWeight: 600 }}>
                    {line.targetUnits ?? '—'}
                  </TableCell>
                  <TableCell
                    align="right"
                    sx={{
                      fontWeight: 600,
                      color:
                        (line.delta ?? 0) > 0
                          ? 'success.dark'
                          : (line.delta ?? 0) < 0
                            ? 'error.dark'
                            : 'text.secondary',
                    }}
                  >
                    {line.delta === null ? '—' : formatDelta(line.delta)}
                  </TableCell>
                  <TableCell sx={{ maxWidth: 380 }}>
                    <Stack spacing={0.5} sx={{ alignItems: 'flex-start' }}>
                      <Chip
                        size="small"
                        label={lineStatusLabel(line)}
                        color={chip.color}
                        variant="outlined"
                      />
                      {line.kind === 'adjust' || line.kind === 'held' ? (
                        <Button
                          size="small"
                          sx={{ p: 0, minWidth: 0 }}
                          aria-label={`Members behind ${line.workspaceName} ${line.serviceName}`}
                          onClick={() =>
                            setMembers({
                              workspaceId: line.workspaceId,
                              workspaceName: line.workspaceName,
                              serviceKey: line.serviceKey,
                              serviceName: line.serviceName,
                              day:
                                line.effectiveDate ??
                                run.effectiveDate ??
                                new Date().toISOString().slice(0, 10),
                              since,
                            })
                          }
                        >
                          Who changed?
                        </Button>
                      ) : null}
                      {line.kind !== 'unchanged' && line.message ? (
                        <Typography variant="caption" color="text.secondary">
                          {line.message}
                        </Typography>
                      ) : null}
                      {line.advice ? (
                        <Typography variant="caption">
                          <strong>Next:</strong> {line.advice}
                        </Typography>
                      ) : null}
                    </Stack>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={total}
        page={page}
        rowsPerPage={linesPageSize}
        rowsPerPageOptions={[linesPageSize]}
        onPageChange={(_e, p) => onPageChange(p)}
      />
      <MembersDialog line={members} onClose={() => setMembers(null)} />
    </Paper>
  );
}

function RunHistory({
  runs,
  selectedId,
  onSelect,
}: {
  runs: readonly SyncRun[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <Paper variant="outlined">
      <Typography variant="subtitle1" component="h3" sx={{ px: 2.5, pt: 2, pb: 1 }}>
        Run history
      </Typography>
      <TableContainer>
        <Table size="small" aria-label="Run history">
          <TableHead>
            <TableRow>
              <TableCell>Started</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>Trigger</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right">Changes</TableCell>
              <TableCell align="right">Held</TableCell>
              <TableCell align="right">Problems</TableCell>
              <TableCell align="right">Failed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {runs.length === 0 ? (
              <TableRow>
                <TableCell colSpan={8} sx={{ py: 4, textAlign: 'center', color: 'text.secondary' }}>
                  No runs yet.
                </TableCell>
              </TableRow>
            ) : null}
            {runs.map((run) => (
              <TableRow
                key={run.id}
                hover
                selected={run.id === selectedId}
                onClick={() => onSelect(run.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') onSelect(run.id);
                }}
                tabIndex={0}
                sx={{ cursor: 'pointer' }}
                aria-selected={run.id === selectedId}
              >
                <TableCell>{formatDateTime(run.startedAt ?? run.createdAt)}</TableCell>
                <TableCell>{run.mode === 'dry-run' ? 'Preview' : 'Sync'}</TableCell>
                <TableCell sx={{ textTransform: 'capitalize' }}>{run.trigger}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={runStatusChip[run.status].label}
                    color={runStatusChip[run.status].color}
                  />
                </TableCell>
                <TableCell align="right">{run.counters.adjusted}</TableCell>
                <TableCell align="right">{run.counters.held}</TableCell>
                <TableCell align="right">{run.counters.problems}</TableCell>
                <TableCell align="right">{run.counters.failed}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Paper>
  );
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

function UsagePanel() {
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
