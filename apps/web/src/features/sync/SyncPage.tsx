import DownloadIcon from '@mui/icons-material/Download';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import PreviewIcon from '@mui/icons-material/Preview';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode } from 'react';

import type { SyncRun, SyncRunDetail, SyncRunPage } from '../../api/sync-types.js';
import type { Connector } from '../../api/types.js';
import {
  isRunLive,
  syncRunCsvUrl,
  usePreviewSync,
  useRunStream,
  useSyncRunDetail,
  useSyncRuns,
} from '../../api/sync.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { describeNextSync, formatDate, formatDateTime } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { psaLabel } from '../connectors/PsaMark.js';
import { ApplyPreviewDialog } from './ApplyPreviewDialog.js';
import { RunHistory } from './RunHistory.js';
import { RunProgress } from './RunProgress.js';
import { linesPageSize, runStatusChip, type LineFilter } from './sync-labels.js';
import { RunLines } from './SyncRunLines.js';
import { UndoRunAction, UndoStateChip } from './UndoRunDialog.js';
import { UsagePanel } from './UsagePanel.js';

const isLive = isRunLive;
const allRunsOf = (page: SyncRunPage | undefined): readonly SyncRun[] => page?.items ?? [];

/** A preview that can still be applied: finished, and no sync was made of it yet. */
const isApplicable = (run: SyncRun | undefined, runs: readonly SyncRun[]): boolean =>
  run?.mode === 'dry-run' && run.status === 'succeeded' && !runs.some((r) => r.previewRunId === run.id);

/**
 * Sync: every write is previewed, its impact confirmed, then exactly the reviewed lines applied
 * (issue 10). "Preview" shows the plan; "Sync now" previews and asks at once; a shown preview can
 * be applied. Live progress, held changes, run history, CSV and a units chart.
 */
export function SyncPage() {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const runs = useSyncRuns(channel.id, connector.id);
  const preview = usePreviewSync(channel.id, connector.id);
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<SyncRunDetail | null>(null);
  const [filter, setFilter] = useState<LineFilter>('all');
  const [page, setPage] = useState(0);
  const latest = runs.data?.items[0];
  const runId = selectedRunId ?? latest?.id ?? null;
  const selectedRun = allRunsOf(runs.data).find((r) => r.id === runId);
  const isStreaming = useRunStream(channel.id, connector.id, selectedRun);
  const detail = useSyncRunDetail(
    channel.id,
    connector.id,
    runId,
    { kind: filter === 'all' ? undefined : filter, limit: linesPageSize, offset: page * linesPageSize },
    isStreaming,
  );
  const current = detail.data?.run ?? latest;
  const allRuns = runs.data?.items ?? [];
  const select = (id: string | null) => {
    setSelectedRunId(id);
    setFilter('all');
    setPage(0);
  };
  const makePreview = (thenConfirm: boolean) =>
    preview.mutate(undefined, {
      onSuccess: (made) => {
        select(made.run.id);
        if (thenConfirm && made.run.status === 'succeeded') setConfirming(made);
      },
    });
  const isRunning = isLive(current) || preview.isPending;
  const isSetup = connector.workspaceMapping.mapped > 0 && connector.serviceMapping.mapped > 0;
  // The connector's own PSA, as the connectors page names it (never a hard-coded vendor).
  const psaName = psaLabel(connector.kind);
  const shown = detail.data;
  const applyAction =
    canEdit && shown && current && shown.run.id === current.id && isApplicable(current, allRuns) ? (
      <Button size="small" variant="contained" onClick={() => setConfirming(shown)} disabled={isRunning}>
        Apply this preview
      </Button>
    ) : null;

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
            Pushes each mapped workspace&apos;s protected devices and users into the units of its {psaName}{' '}
            contract services. Every sync you start is previewed and confirmed first. Last sync{' '}
            {formatDateTime(connector.lastSyncAt)} ·{' '}
            {connector.isAwaitingFirstReviewedSync
              ? 'Daily sync starts after your first reviewed sync.'
              : nextSyncSentence(connector)}
          </Typography>
        </Box>
        {canEdit ? (
          <Stack direction="row" spacing={1} sx={{ flexShrink: 0 }}>
            <Button
              variant="outlined"
              startIcon={<PreviewIcon />}
              onClick={() => makePreview(false)}
              disabled={isRunning || !isSetup}
            >
              Preview
            </Button>
            <Button
              variant="contained"
              startIcon={isRunning ? <CircularProgress size={16} color="inherit" /> : <PlayArrowIcon />}
              onClick={() => makePreview(true)}
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
      {isSetup && connector.isAwaitingFirstReviewedSync ? (
        <Alert severity="info">
          Daily sync starts after your first reviewed sync: preview, check the changes and their amounts, then
          apply. Nothing is written to {psaName} before.
        </Alert>
      ) : null}
      {preview.isError ? <ErrorAlert error={preview.error} title="The preview could not be made" /> : null}
      {runs.isError ? <ErrorAlert error={runs.error} onRetry={() => void runs.refetch()} /> : null}
      {current ? <RunSummary run={current} applyAction={applyAction} onUndoStarted={select} /> : null}
      {detail.isError ? <ErrorAlert error={detail.error} /> : null}
      {current ? (
        <RunLines
          run={current}
          heldImpact={shown?.run.id === current.id ? shown.heldImpact : undefined}
          since={previousApplyDate(allRuns, current)}
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
      <RunHistory runs={allRuns} selectedId={runId} onSelect={select} />
      <UsagePanel />
      <ApplyPreviewDialog
        channelId={channel.id}
        connectorId={connector.id}
        psaName={psaName}
        preview={confirming}
        onApplied={(id) => {
          setConfirming(null);
          select(id);
        }}
        onReviewFresh={(id) => {
          setConfirming(null);
          select(id);
        }}
        onClose={() => setConfirming(null)}
      />
    </Stack>
  );
}

function RunSummary({
  run,
  applyAction,
  onUndoStarted,
}: {
  run: SyncRun;
  /** "Apply this preview" when the run is a preview that can still be applied. */
  applyAction: ReactNode;
  /** Follow the undo run once "Undo run" started it. */
  onUndoStarted: (runId: string) => void;
}) {
  const { channel, canEdit } = useChannel();
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
            {run.mode === 'dry-run'
              ? 'Preview'
              : run.mode === 'undo'
                ? 'Undo'
                : run.previewRunId
                  ? 'Sync of a reviewed preview'
                  : 'Sync'}{' '}
            of {formatDateTime(run.createdAt)}
          </Typography>
          <Chip size="small" label={chip.label} color={chip.color} />
          <UndoStateChip run={run} />
          {run.effectiveDate ? (
            <Typography variant="body2" color="text.secondary">
              effective {formatDate(run.effectiveDate)}
            </Typography>
          ) : null}
        </Stack>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
          {applyAction}
          {!live && canEdit ? (
            <UndoRunAction
              channelId={channel.id}
              connectorId={connector.id}
              run={run}
              onStarted={onUndoStarted}
            />
          ) : null}
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
/** "next Dec 5, 06:20 AM GMT+1 (daily at 06:00 Europe/Berlin, this connector 20 min after)." */
function nextSyncSentence(connector: Pick<Connector, 'nextSyncAt' | 'schedule'>): string {
  const { when, why } = describeNextSync(connector.nextSyncAt, connector.schedule);
  return why === null ? `next ${when}.` : `next ${when} (${why}).`;
}

function previousApplyDate(runs: readonly SyncRun[], run: SyncRun): string | null {
  const day = run.effectiveDate;
  if (!day) return null;
  const earlier = runs
    .filter((r) => r.id !== run.id && r.mode === 'apply' && r.effectiveDate !== null && r.effectiveDate < day)
    .map((r) => r.effectiveDate ?? '')
    .sort();
  return earlier[earlier.length - 1] ?? null;
}
