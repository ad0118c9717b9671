import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
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
import { useState } from 'react';

import type { SyncImpact, SyncLine, SyncRun } from '../../api/sync-types.js';
import { useApproveLines } from '../../api/sync.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDelta, formatMoney, plural } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { MembersDialog, type MembersLine } from '../reconciliation/MembersDialog.js';
import { lineChip, lineFilters, lineStatusLabel, linesPageSize, type LineFilter } from './sync-labels.js';

const secondaryOnPhone = { display: { xs: 'none', sm: 'table-cell' } } as const;

/** A run's lines, filtered and paged, with held-line approval and "Who changed?" per line. */
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
      <TableContainer>
        <Table size="small" aria-label={run.mode === 'dry-run' ? 'Preview' : 'Sync lines'}>
          <TableHead>
            <TableRow>
              {canEdit ? (
                <TableCell padding="checkbox">
                  {approvable.length > 0 ? (
                    <Checkbox
                      checked={approvable.every((l) => selected.has(l.id))}
                      indeterminate={
                        approvable.some((l) => selected.has(l.id)) &&
                        !approvable.every((l) => selected.has(l.id))
                      }
                      onChange={(e) =>
                        setSelected(e.target.checked ? new Set(approvable.map((l) => l.id)) : new Set())
                      }
                      slotProps={{ input: { 'aria-label': 'Select every held change on this page' } }}
                    />
                  ) : null}
                </TableCell>
              ) : null}
              <TableCell>Workspace</TableCell>
              <TableCell>Service</TableCell>
              {/* Secondary on a phone: the row's names and units fit without it (the CSV keeps it). */}
              <TableCell sx={secondaryOnPhone}>Contract</TableCell>
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
                  <TableCell sx={secondaryOnPhone}>{line.contractName ?? '—'}</TableCell>
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
                  {/* Wide enough on a phone that the message does not stand one word per line
                      (the table scrolls inside its container there). */}
                  <TableCell sx={{ maxWidth: 380, minWidth: 220 }}>
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
                          // The name holds the visible words (WCAG 2.5.3, axe label-content-name-mismatch).
                          aria-label={`Members behind ${line.workspaceName} ${line.serviceName}: who changed?`}
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
