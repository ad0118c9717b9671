import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';

import type { SyncRun } from '../../api/sync-types.js';
import { formatDateTime } from '../../lib/format.js';
import { runStatusChip } from './sync-labels.js';
import { UndoStateChip } from './UndoRunDialog.js';
/** Every run of the connector, newest first; a row selects the run shown above. */
export function RunHistory({
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
              <TableCell sx={secondary}>Trigger</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right" sx={secondary}>
                Changes
              </TableCell>
              <TableCell align="right" sx={secondary}>
                Held
              </TableCell>
              <TableCell align="right" sx={secondary}>
                Problems
              </TableCell>
              <TableCell align="right" sx={secondary}>
                Failed
              </TableCell>
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
                <TableCell>
                  {runKindLabel(run, runs)} <UndoStateChip run={run} />
                </TableCell>
                <TableCell sx={{ ...secondary, textTransform: 'capitalize' }}>{run.trigger}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={runStatusChip[run.status].label}
                    color={runStatusChip[run.status].color}
                  />
                </TableCell>
                <TableCell align="right" sx={secondary}>
                  {run.counters.adjusted}
                </TableCell>
                <TableCell align="right" sx={secondary}>
                  {run.counters.held}
                </TableCell>
                <TableCell align="right" sx={secondary}>
                  {run.counters.problems}
                </TableCell>
                <TableCell align="right" sx={secondary}>
                  {run.counters.failed}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Paper>
  );
}

/**
 * Columns a phone leaves out (selecting a run shows all its counters in its summary), so Started,
 * Kind and Status fit 390 px without the table scrolling sideways.
 */
const secondary = { display: { xs: 'none', sm: 'table-cell' } } as const;

/** "Preview", "Preview (applied)", "Sync of a preview", "Sync" or "Undo": which runs belong together. */
function runKindLabel(run: SyncRun, runs: readonly SyncRun[]): string {
  if (run.mode === 'undo') return 'Undo';
  if (run.mode === 'dry-run')
    return runs.some((r) => r.previewRunId === run.id) ? 'Preview (applied)' : 'Preview';
  return run.previewRunId ? 'Sync of a preview' : 'Sync';
}
