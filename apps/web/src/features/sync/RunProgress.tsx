import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

import type { SyncRun, SyncWait } from '../../api/sync-types.js';
import { isRunLive } from '../../api/sync.api.js';
import { formatTime } from '../../lib/format.js';

const waitTitle: Record<SyncWait['reason'], string> = {
  share_used: 'Paused to leave API budget for other integrations',
  tenant_exhausted: 'Paused until the API limit allows more requests',
  spacing: 'Slowed down to stay within the API budget',
};

const resumeLabel: Record<SyncWait['reason'], string> = {
  share_used: 'Resumes about',
  tenant_exhausted: 'Checks again about',
  spacing: 'Next request about',
};

/**
 * Why a running sync waits on the PSA's request budget, and until when. A long pause would
 * otherwise look like a frozen run; the server's message names the PSA and says nothing is needed.
 */
export function RunWaitAlert({ wait }: { wait: SyncWait }) {
  // Rounded up to the minute, as in the message: "about" never promises too early.
  const minuteMs = 60_000;
  const resumesAt = new Date(Math.ceil(Date.parse(wait.resumesAt) / minuteMs) * minuteMs).toISOString();
  return (
    <Alert severity="info" role="status" data-wait-reason={wait.reason}>
      <AlertTitle>
        {waitTitle[wait.reason]} · {resumeLabel[wait.reason]}{' '}
        <time dateTime={wait.resumesAt}>{formatTime(resumesAt)}</time>
      </AlertTitle>
      {wait.message}
    </Alert>
  );
}

/** The run's progress bar and line count; while it waits on the API budget, why (bar kept). */
export function RunProgress({ run }: { run: SyncRun }) {
  const live = isRunLive(run);
  const percent =
    run.progress.total > 0 ? Math.round((run.progress.done / run.progress.total) * 100) : live ? 0 : 100;
  // Only a live run waits; the server drops the wait when a run ends, this keeps a stale one out.
  const wait = live ? run.wait : undefined;
  return (
    <Stack spacing={1.5}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <LinearProgress
          variant="determinate"
          value={percent}
          sx={{ flexGrow: 1, height: 10, borderRadius: 5 }}
          aria-label="Sync progress"
          color={run.status === 'failed' ? 'error' : run.status === 'partial' ? 'warning' : 'primary'}
        />
        <Typography variant="body2" sx={{ minWidth: 120, textAlign: 'right' }} aria-live="polite">
          {live
            ? `${run.phase ?? 'starting'}${wait ? (wait.reason === 'spacing' ? ', slowed' : ', paused') : ''} · `
            : ''}
          {run.progress.done}/{run.progress.total} lines
        </Typography>
      </Stack>
      {wait ? <RunWaitAlert wait={wait} /> : null}
    </Stack>
  );
}
