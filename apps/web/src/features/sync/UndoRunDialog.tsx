/**
 * "Undo run": the opposing adjustments that would bring each line of an applied run back to its
 * units before the run, read fresh from the PSA, and the conflicts (lines changed since the run)
 * with both numbers, each left alone unless the admin includes it. Confirm starts the undo run,
 * which the page then follows like any run.
 */
import UndoIcon from '@mui/icons-material/Undo';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';

import type { SyncRun } from '../../api/sync-types.js';
import { useStartUndo, useUndoPreview, type UndoLine } from '../../api/undo.api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDate, formatDelta, plural } from '../../lib/format.js';

/** An applied run that wrote something and is not fully reversed yet. */
export const isUndoable = (run: SyncRun): boolean =>
  run.mode === 'apply' &&
  (run.status === 'succeeded' || run.status === 'partial' || run.status === 'failed') &&
  run.counters.adjusted > 0 &&
  run.undoState !== 'undone';

/** The link between a run and its undo, for the history and the run summary. */
export function UndoStateChip({ run }: { run: SyncRun }) {
  if (run.undoState === 'undone') return <Chip size="small" variant="outlined" label="Undone" />;
  if (run.undoState === 'partially_undone')
    return <Chip size="small" variant="outlined" color="warning" label="Partially undone" />;
  if (run.mode === 'undo') return <Chip size="small" variant="outlined" label="Reverses an earlier run" />;
  return null;
}

const decisionLabel: Record<UndoLine['decision'], string> = {
  reversal: 'Reverse',
  conflict: 'Conflict',
  already_reversed: 'Already reversed',
  reversal_pending: 'Being confirmed',
  already_at_prior: 'Already back',
  unreadable: 'Unreadable',
};

/** The opposing change a line would get: conflicts only once included. */
const deltaOf = (line: UndoLine, isIncluded: boolean): number =>
  isIncluded ? line.undoUnits - (line.currentUnits ?? 0) : 0;

export function UndoRunDialog({
  channelId,
  connectorId,
  run,
  onClose,
  onStarted,
}: {
  channelId: string;
  connectorId: string;
  /** The run to undo; null when the dialog is closed. */
  run: SyncRun | null;
  onClose: () => void;
  onStarted: (undoRunId: string) => void;
}) {
  const titleId = useId();
  const preview = useUndoPreview(channelId, connectorId, run?.id ?? null);
  const start = useStartUndo(channelId, connectorId);
  const [included, setIncluded] = useState<ReadonlySet<string>>(new Set());
  const lines = preview.data?.lines ?? [];
  const isIncluded = (l: UndoLine) => l.decision === 'reversal' || included.has(l.lineId);
  const writes = lines.filter(
    (l) => (l.decision === 'reversal' || l.decision === 'conflict') && isIncluded(l),
  );
  const conflicts = lines.filter((l) => l.decision === 'conflict');
  const unitsUp = writes.reduce((n, l) => n + Math.max(0, deltaOf(l, true)), 0);
  const unitsDown = writes.reduce((n, l) => n - Math.min(0, deltaOf(l, true)), 0);
  const psaName = preview.data?.psaName ?? 'the PSA';
  const toggle = (id: string) =>
    setIncluded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const close = () => {
    setIncluded(new Set());
    start.reset();
    onClose();
  };
  const confirm = () => {
    if (!run) return;
    start.mutate(
      { runId: run.id, includeConflicts: [...included] },
      {
        onSuccess: (started) => {
          onStarted(started.runId);
          close();
        },
      },
    );
  };

  return (
    <Dialog
      open={run !== null}
      onClose={start.isPending ? undefined : close}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>
        Undo the sync{run?.effectiveDate ? ` of ${formatDate(run.effectiveDate)}` : ''}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography variant="body2" color="text.secondary">
            Undo writes one change per line in {psaName}, back to the units before the run; it deletes
            nothing. A line already changed today takes effect tomorrow.
          </Typography>
          {preview.isPending ? (
            <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }} role="status">
              <CircularProgress size={20} />
              <Typography>Reading the current units…</Typography>
            </Stack>
          ) : null}
          {preview.isError ? <ErrorAlert error={preview.error} title="Undo is not possible" /> : null}
          {preview.data ? (
            <>
              <Alert severity={conflicts.length > 0 ? 'warning' : 'info'} role="status">
                {plural(writes.length, 'change')} to write: units up {unitsUp}, down {unitsDown}.
                {conflicts.length > 0
                  ? ` ${plural(conflicts.length, 'conflict')}: changed in ${psaName} since the run, left as they are unless you include them.`
                  : ''}
              </Alert>
              <TableContainer>
                <Table size="small" aria-label="Lines to undo">
                  <TableHead>
                    <TableRow>
                      <TableCell>Workspace · service</TableCell>
                      <TableCell>Undo</TableCell>
                      <TableCell align="right">Run set</TableCell>
                      <TableCell align="right">Now</TableCell>
                      <TableCell align="right">Undo sets</TableCell>
                      <TableCell align="right">Change</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {lines.map((l) => (
                      <TableRow key={l.lineId}>
                        <TableCell>
                          {l.workspaceName}
                          <Typography variant="body2" color="text.secondary">
                            {l.serviceName}
                          </Typography>
                        </TableCell>
                        <TableCell>
                          {l.decision === 'conflict' ? (
                            <Stack direction="row" sx={{ alignItems: 'center' }}>
                              <Checkbox
                                size="small"
                                checked={included.has(l.lineId)}
                                onChange={() => toggle(l.lineId)}
                                slotProps={{
                                  input: { 'aria-label': `Include ${l.workspaceName} ${l.serviceName}` },
                                }}
                              />
                              <Chip size="small" color="warning" label={decisionLabel[l.decision]} />
                            </Stack>
                          ) : (
                            <Chip
                              size="small"
                              color={l.decision === 'reversal' ? 'info' : 'default'}
                              label={decisionLabel[l.decision]}
                            />
                          )}
                        </TableCell>
                        <TableCell align="right">{l.appliedUnits}</TableCell>
                        <TableCell align="right">{l.currentUnits ?? '—'}</TableCell>
                        <TableCell align="right">{l.undoUnits}</TableCell>
                        <TableCell align="right">{formatDelta(deltaOf(l, isIncluded(l)))}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
            </>
          ) : null}
          {start.isError ? <ErrorAlert error={start.error} title="The undo could not start" /> : null}
        </Stack>
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        <Button onClick={close} disabled={start.isPending} autoFocus>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="warning"
          startIcon={start.isPending ? <CircularProgress size={16} color="inherit" /> : <UndoIcon />}
          onClick={confirm}
          disabled={writes.length === 0 || start.isPending || !preview.data}
        >
          Undo {plural(writes.length, 'change')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The "Undo run" button and its dialog; shown to those who may write, on runs that can be undone. */
export function UndoRunAction({
  channelId,
  connectorId,
  run,
  onStarted,
}: {
  channelId: string;
  connectorId: string;
  run: SyncRun;
  onStarted: (undoRunId: string) => void;
}) {
  const [isOpen, setOpen] = useState(false);
  if (!isUndoable(run)) return null;
  return (
    <>
      <Button size="small" color="warning" startIcon={<UndoIcon />} onClick={() => setOpen(true)}>
        Undo run
      </Button>
      <UndoRunDialog
        channelId={channelId}
        connectorId={connectorId}
        run={isOpen ? run : null}
        onClose={() => setOpen(false)}
        onStarted={onStarted}
      />
    </>
  );
}
