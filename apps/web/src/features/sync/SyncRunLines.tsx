import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
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
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useState } from 'react';

import type { SyncImpact, SyncLine, SyncRun } from '../../api/sync-types.js';
import { useApproveLines } from '../../api/sync.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDelta, formatMoney, plural } from '../../lib/format.js';
import { visuallyHidden } from '../../lib/visually-hidden.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { MembersDialog, type MembersLine } from '../reconciliation/MembersDialog.js';
import { lineChip, lineFilters, lineStatusLabel, linesPageSize, type LineFilter } from './sync-labels.js';

const deltaColor = (line: SyncLine): string =>
  (line.delta ?? 0) > 0 ? 'success.dark' : (line.delta ?? 0) < 0 ? 'error.dark' : 'text.secondary';

const hasUnits = (line: SyncLine): boolean =>
  line.currentUnits !== null || line.targetUnits !== null || line.delta !== null;

/**
 * A run's lines, filtered and paged, with held-line approval and "Who changed?" per line. A table
 * on wider screens; on a phone one card per line, so that nothing scrolls sideways (issue 13).
 */
export function RunLines({
  run,
  heldImpact,
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
  /** Money impact of the run's held lines, shown beside the approve button. */
  heldImpact: SyncImpact | undefined;
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
  const isPhone = useMediaQuery(useTheme().breakpoints.down('sm'));
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
  const listName = run.mode === 'dry-run' ? 'Preview' : 'Sync lines';
  const isAllSelected = approvable.every((l) => selected.has(l.id));
  const isSomeSelected = approvable.some((l) => selected.has(l.id)) && !isAllSelected;
  const selectAll = (checked: boolean) =>
    setSelected(checked ? new Set(approvable.map((l) => l.id)) : new Set());
  const showMembers = (line: SyncLine) =>
    setMembers({
      workspaceId: line.workspaceId,
      workspaceName: line.workspaceName,
      serviceKey: line.serviceKey,
      serviceName: line.serviceName,
      day: line.effectiveDate ?? run.effectiveDate ?? new Date().toISOString().slice(0, 10),
      since,
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
          <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
            {heldImpact && heldImpact.changes > 0 ? (
              <Typography variant="body2" color="text.secondary">
                Held: {plural(heldImpact.changes, 'change')}, +{heldImpact.unitsAdded} / −
                {heldImpact.unitsRemoved} units, {formatMoney(heldImpact.monthlyAmount, heldImpact.currency)}{' '}
                per month
              </Typography>
            ) : null}
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
          </Stack>
        ) : null}
      </Stack>
      {approve.isError ? (
        <ErrorAlert error={approve.error} title="Approval failed" sx={{ mx: 2, mb: 1 }} />
      ) : null}
      {isPhone ? (
        <Box sx={{ px: 2, pb: 1 }}>
          {canEdit && approvable.length > 0 ? (
            <FormControlLabel
              label="Select every held change on this page"
              control={
                <Checkbox
                  checked={isAllSelected}
                  indeterminate={isSomeSelected}
                  onChange={(e) => selectAll(e.target.checked)}
                />
              }
              slotProps={{ typography: { variant: 'body2' } }}
              sx={{ my: 0.5 }}
            />
          ) : null}
          {items.length === 0 ? (
            <Typography sx={{ py: 4, textAlign: 'center', color: 'text.secondary' }}>
              {isLoading ? 'Loading…' : 'No lines here.'}
            </Typography>
          ) : (
            <Stack component="ul" spacing={1} aria-label={listName} sx={{ listStyle: 'none', m: 0, p: 0 }}>
              {items.map((line) => {
                const canApprove = canEdit && line.kind === 'held' && line.status === 'held';
                return (
                  <Paper
                    component="li"
                    key={line.id}
                    variant="outlined"
                    sx={{ p: 1.5, position: 'relative' }}
                  >
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
                      {canApprove ? (
                        <Checkbox
                          checked={selected.has(line.id)}
                          onChange={() => toggle(line.id)}
                          slotProps={{
                            input: { 'aria-label': `Approve ${line.workspaceName} ${line.serviceName}` },
                          }}
                          sx={{ ml: -1, mt: -0.75 }}
                        />
                      ) : null}
                      <Box sx={{ minWidth: 0, flex: 1 }}>
                        <Typography sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
                          {line.workspaceName}
                        </Typography>
                        <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
                          {line.serviceName}
                        </Typography>
                      </Box>
                      {/* A line with no units at all (a problem before any count) says so in its message. */}
                      {hasUnits(line) ? (
                        <Box sx={{ textAlign: 'right', flexShrink: 0 }}>
                          <Typography variant="body2" sx={{ whiteSpace: 'nowrap' }}>
                            <span style={visuallyHidden}>Current </span>
                            {line.currentUnits ?? '—'}
                            <span aria-hidden> → </span>
                            <span style={visuallyHidden}>, new </span>
                            <Box component="strong" sx={{ fontWeight: 600 }}>
                              {line.targetUnits ?? '—'}
                            </Box>
                          </Typography>
                          <Typography variant="body2" sx={{ fontWeight: 600, color: deltaColor(line) }}>
                            <span style={visuallyHidden}>Delta </span>
                            {line.delta === null ? '—' : formatDelta(line.delta)}
                          </Typography>
                        </Box>
                      ) : null}
                    </Stack>
                    <Box sx={{ mt: 1 }}>
                      <LineResult line={line} onWhoChanged={() => showMembers(line)} />
                    </Box>
                  </Paper>
                );
              })}
            </Stack>
          )}
        </Box>
      ) : (
        <TableContainer>
          <Table size="small" aria-label={listName}>
            <TableHead>
              <TableRow>
                {canEdit ? (
                  <TableCell padding="checkbox">
                    {approvable.length > 0 ? (
                      <Checkbox
                        checked={isAllSelected}
                        indeterminate={isSomeSelected}
                        onChange={(e) => selectAll(e.target.checked)}
                        slotProps={{ input: { 'aria-label': 'Select every held change on this page' } }}
                      />
                    ) : null}
                  </TableCell>
                ) : null}
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
                    <TableCell align="right" sx={{ fontWeight: 600, color: deltaColor(line) }}>
                      {line.delta === null ? '—' : formatDelta(line.delta)}
                    </TableCell>
                    {/* Wide enough that the message does not stand one word per line (between phone
                        and desktop widths the table scrolls inside its container). */}
                    <TableCell sx={{ maxWidth: 380, minWidth: 220 }}>
                      <LineResult line={line} onWhoChanged={() => showMembers(line)} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}
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

/** A line's result: its state, the members behind it (changes and held ones), message and advice. */
function LineResult({ line, onWhoChanged }: { line: SyncLine; onWhoChanged: () => void }) {
  return (
    <Stack spacing={0.5} sx={{ alignItems: 'flex-start' }}>
      <Stack direction="row" sx={{ alignItems: 'center', flexWrap: 'wrap', columnGap: 1.5, rowGap: 0.5 }}>
        <Chip
          size="small"
          label={lineStatusLabel(line)}
          color={lineChip[line.kind].color}
          variant="outlined"
        />
        {line.kind === 'adjust' || line.kind === 'held' ? (
          <Button
            size="small"
            sx={{ p: 0, minWidth: 0 }}
            // The name holds the visible words (WCAG 2.5.3, axe label-content-name-mismatch).
            aria-label={`Members behind ${line.workspaceName} ${line.serviceName}: who changed?`}
            onClick={onWhoChanged}
          >
            Who changed?
          </Button>
        ) : null}
      </Stack>
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
  );
}
