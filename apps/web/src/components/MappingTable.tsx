import AutoFixHighIcon from '@mui/icons-material/AutoFixHigh';
import CheckIcon from '@mui/icons-material/Check';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useRef, useState } from 'react';

import type { PickerOption, PickerSearch } from './AsyncEntityPicker.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { ErrorAlert } from './ErrorAlert.js';
import { MappingPickerCell } from './MappingPickerCell.js';
import { MappingStatusCell } from './MappingStatusCell.js';
import { MappingToolbar } from './MappingToolbar.js';
import { useRovingRows } from './use-roving-rows.js';
import {
  columnCount as countColumns,
  emptyMessage,
  firstPageQuery,
  matchPercent,
  pickerIntent,
  rowsPerPageLabel,
  sortedQuery,
  sortHeaders,
  type ExtraColumn,
  type MappingCounts,
  type MappingQuery,
  type MappingSort,
  type MappingTableRow,
} from './mapping-table.model.js';
import { visuallyHidden } from '../lib/visually-hidden.js';

export interface MappingTableProps {
  /** "Coro workspace" / "Coro service". */
  readonly subjectLabel: string;
  /** "Autotask Company" / "ConnectWise PSA Services". */
  readonly targetLabel: string;
  /** The connector's PSA as its users know it (`psaLabel(kind)`), for the texts that name it. */
  readonly psaName: string;
  /** Noun for the search box and the counts ("workspaces"). */
  readonly subjectPlural: string;
  readonly rows: readonly MappingTableRow[];
  /** Rows matching the query over all pages. */
  readonly total: number;
  readonly counts?: MappingCounts;
  readonly query: MappingQuery;
  readonly onQueryChange: (query: MappingQuery) => void;
  readonly search: PickerSearch;
  readonly searchKey: readonly unknown[];
  readonly onMap: (row: MappingTableRow, option: PickerOption) => void;
  readonly onUnmap: (row: MappingTableRow) => void;
  readonly onConfirmSuggestion?: (row: MappingTableRow) => void;
  /** The row whose change is on its way to the server. */
  readonly pendingRowId?: string | null;
  /** The last failed change, shown under its row. */
  readonly rowError?: { readonly rowId: string; readonly error: unknown } | null;
  readonly isLoading?: boolean;
  readonly readOnly?: boolean;
  readonly extraColumns?: readonly ExtraColumn[];
  /** Filter tabs, search and pagination: off for short fixed lists (services). */
  readonly hasToolbar?: boolean;
  readonly pageSizeOptions?: readonly number[];
  /** The outcome of the last change ("Mapped Acme to Acme Corporation"), read by screen readers. */
  readonly announcement?: string | null;
}

/**
 * Coro entities on the left, the PSA entity they map to on the right (a searchable Map dropdown per
 * row), a status per row, filter tabs with counts, search, sort and server-side pagination.
 * Controlled: the parent owns the query and fetches the page it describes.
 */
export function MappingTable({
  subjectLabel,
  targetLabel,
  psaName,
  subjectPlural,
  rows,
  total,
  counts,
  query,
  onQueryChange,
  search,
  searchKey,
  onMap,
  onUnmap,
  onConfirmSuggestion,
  pendingRowId = null,
  rowError = null,
  isLoading = false,
  readOnly = false,
  extraColumns = [],
  hasToolbar = true,
  pageSizeOptions = [25, 50, 100],
  announcement = null,
}: MappingTableProps) {
  const [unmapping, setUnmapping] = useState<MappingTableRow | null>(null);
  const rowIds = useMemo(() => rows.map((row) => row.id), [rows]);
  const { bodyRef, activeId, onFocus, onBlur, onKeyDown, focusRow } = useRovingRows(rowIds);
  // After the Unmap dialog closes, the row's picker gets the focus (the Unmap button is gone).
  const refocusAfterDialog = useRef<string | null>(null);
  useEffect(() => {
    if (unmapping !== null || refocusAfterDialog.current === null) return;
    const id = refocusAfterDialog.current;
    refocusAfterDialog.current = null;
    focusRow(id);
  }, [unmapping, focusRow]);
  const closeUnmap = () => {
    refocusAfterDialog.current = unmapping?.id ?? null;
    setUnmapping(null);
  };

  const header = (sort: MappingSort, label: string) =>
    hasToolbar ? (
      <TableSortLabel
        active={query.sort === sort}
        direction={query.sort === sort ? query.order : 'asc'}
        onClick={() => onQueryChange(sortedQuery(query, sort))}
        data-sort={sortHeaders[sort]}
      >
        {label}
      </TableSortLabel>
    ) : (
      label
    );

  const columnCount = countColumns(extraColumns.length, readOnly);

  return (
    <Box>
      {hasToolbar ? (
        <MappingToolbar
          subjectPlural={subjectPlural}
          counts={counts}
          query={query}
          onQueryChange={onQueryChange}
        />
      ) : null}
      <Box
        role="status"
        aria-live="polite"
        aria-atomic="true"
        style={visuallyHidden}
        data-testid="mapping-live"
      >
        {announcement}
      </Box>
      <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 2, position: 'relative' }}>
        {isLoading ? (
          <LinearProgress sx={{ position: 'absolute', top: 0, left: 0, right: 0 }} aria-label="Loading" />
        ) : null}
        <Table
          aria-label={`${subjectLabel} to ${targetLabel} mapping`}
          size="small"
          sx={{
            // Phones: each row becomes a stacked card (name, picker, status); nothing scrolls sideways.
            '@media (max-width: 599.95px)': {
              display: 'block',
              '& thead': { display: 'none' },
              '& tbody, & tr, & th, & td': { display: 'block', width: '100% !important' },
              '& tbody tr': { py: 1, borderBottom: 1, borderColor: 'divider' },
              '& th, & td': { border: 0, py: 0.5, px: 1 },
              '& td[data-column="actions"]': { textAlign: 'left' },
            },
            '& tbody td, & tbody th': { py: 0.75 },
            // Fixed columns: a long suggestion or advice is cut with an ellipsis instead of
            // squeezing the names onto three lines (rows stay ≤ 56 px).
            '@media (min-width: 600px)': { tableLayout: 'fixed' },
          }}
        >
          <TableHead>
            <TableRow>
              <TableCell sx={{ width: '24%' }} sortDirection={query.sort === 'subject' ? query.order : false}>
                {header('subject', subjectLabel)}
              </TableCell>
              <TableCell sx={{ width: '38%' }} sortDirection={query.sort === 'target' ? query.order : false}>
                {header('target', targetLabel)}
              </TableCell>
              {extraColumns.map((column) => (
                <TableCell key={column.header}>{column.header}</TableCell>
              ))}
              <TableCell sortDirection={query.sort === 'status' ? query.order : false}>
                {header('status', 'Status')}
              </TableCell>
              {readOnly ? null : (
                <TableCell align="right" sx={{ width: 56 }}>
                  <Box component="span" style={visuallyHidden}>
                    Actions
                  </Box>
                </TableCell>
              )}
            </TableRow>
          </TableHead>
          <TableBody ref={bodyRef}>
            {rows.length === 0 && !isLoading ? (
              <TableRow>
                <TableCell colSpan={columnCount} sx={{ py: 6, textAlign: 'center', color: 'text.secondary' }}>
                  {emptyMessage(query.q, subjectPlural)}
                </TableCell>
              </TableRow>
            ) : null}
            {rows.map((row, index) => {
              const isPending = pendingRowId === row.id;
              const error = rowError?.rowId === row.id ? rowError.error : null;
              return (
                <TableRow
                  key={row.id}
                  hover
                  data-row-id={row.id}
                  aria-busy={isPending || undefined}
                  onFocus={() => onFocus(row.id, index)}
                  onBlur={onBlur}
                  onKeyDown={(event) => onKeyDown(event, row.id)}
                >
                  <TableCell component="th" scope="row">
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', minWidth: 0 }}>
                      <Typography
                        variant="body2"
                        sx={{
                          fontWeight: 600,
                          overflowWrap: 'anywhere',
                          display: '-webkit-box',
                          WebkitLineClamp: 2,
                          '-webkit-box-orient': 'vertical',
                          overflow: 'hidden',
                        }}
                        title={row.name}
                      >
                        {row.name}
                      </Typography>
                      {row.tag ? <Chip size="small" label={row.tag} variant="outlined" /> : null}
                    </Stack>
                  </TableCell>
                  <TableCell>
                    <Stack spacing={0.5}>
                      <Stack
                        direction="row"
                        spacing={1}
                        sx={{
                          alignItems: 'center',
                          minWidth: 0,
                          flexWrap: { xs: 'wrap', sm: 'nowrap' },
                          rowGap: 0.5,
                        }}
                      >
                        {readOnly ? (
                          <Typography color={row.target ? 'text.primary' : 'text.secondary'}>
                            {row.target?.name ?? 'Not mapped'}
                          </Typography>
                        ) : (
                          <MappingPickerCell
                            label={`${targetLabel} for ${row.name}`}
                            value={row.target}
                            onChange={(option) => {
                              const intent = pickerIntent(row, option);
                              if (intent?.kind === 'map') onMap(row, intent.option);
                              else if (intent?.kind === 'unmap') setUnmapping(row);
                            }}
                            search={search}
                            searchKey={searchKey}
                            disabled={isPending}
                            tabIndex={activeId === row.id ? 0 : -1}
                          />
                        )}
                        {!row.target && row.suggestion ? (
                          <Stack
                            direction="row"
                            spacing={0.5}
                            sx={{ alignItems: 'center', minWidth: 0, flexShrink: 1 }}
                          >
                            <AutoFixHighIcon fontSize="small" color="primary" aria-hidden />
                            <Typography
                              variant="caption"
                              color="text.secondary"
                              title={row.suggestion.reason ?? undefined}
                              // On a phone the suggestion wraps beside its Confirm button: cut to one
                              // line it left Confirm past the stacked row's edge, clipped.
                              sx={{
                                whiteSpace: { xs: 'normal', sm: 'nowrap' },
                                flex: { xs: '1 1 0', sm: '0 1 auto' },
                                overflow: 'hidden',
                                textOverflow: 'ellipsis',
                              }}
                            >
                              Suggested: <strong>{row.suggestion.name}</strong> (
                              {matchPercent(row.suggestion.score)}% match
                              {row.suggestion.reason ? `, ${row.suggestion.reason}` : ''})
                            </Typography>
                            {!readOnly && onConfirmSuggestion ? (
                              <Button
                                size="small"
                                startIcon={<CheckIcon />}
                                onClick={() => onConfirmSuggestion(row)}
                                disabled={isPending}
                                aria-label={`Confirm suggestion ${row.suggestion.name} for ${row.name}`}
                              >
                                Confirm
                              </Button>
                            ) : null}
                          </Stack>
                        ) : null}
                      </Stack>
                      {error ? <ErrorAlert error={error} /> : null}
                    </Stack>
                  </TableCell>
                  {extraColumns.map((column) => (
                    <TableCell key={column.header}>{column.render(row)}</TableCell>
                  ))}
                  <TableCell>
                    <MappingStatusCell status={row.status} />
                  </TableCell>
                  {readOnly ? null : (
                    <TableCell align="right" data-column="actions">
                      {row.target ? (
                        <Tooltip title="Unmap">
                          <span>
                            <IconButton
                              size="small"
                              aria-label={`Unmap ${row.name}`}
                              onClick={() => setUnmapping(row)}
                              disabled={isPending}
                            >
                              <LinkOffIcon />
                            </IconButton>
                          </span>
                        </Tooltip>
                      ) : null}
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      {hasToolbar ? (
        <TablePagination
          component="div"
          count={total}
          page={query.page}
          rowsPerPage={query.pageSize}
          rowsPerPageOptions={[...pageSizeOptions]}
          onPageChange={(_e, page) => onQueryChange({ ...query, page })}
          onRowsPerPageChange={(e) =>
            onQueryChange(firstPageQuery(query, { pageSize: Number(e.target.value) }))
          }
          labelRowsPerPage={rowsPerPageLabel(subjectPlural)}
          // On a phone the toolbar wraps and drops the spacer and the visible "rows per page" text
          // (the select keeps it as its name): one line of it was wider than 390 px.
          sx={{
            '& .MuiTablePagination-toolbar': { flexWrap: 'wrap', px: { xs: 0, sm: 2 } },
            '& .MuiTablePagination-spacer': { display: { xs: 'none', sm: 'block' } },
            '& .MuiTablePagination-selectLabel': { display: { xs: 'none', sm: 'block' } },
          }}
        />
      ) : null}
      <ConfirmDialog
        open={unmapping !== null}
        title={`Unmap ${unmapping?.name ?? ''}?`}
        confirmLabel="Unmap"
        isDestructive
        disableRestoreFocus
        onCancel={closeUnmap}
        onConfirm={() => {
          if (unmapping) onUnmap(unmapping);
          closeUnmap();
        }}
      >
        {unmapping?.name} will no longer be linked to {unmapping?.target?.name}. Syncing stops for it; units
        already in {psaName} are left as they are.
      </ConfirmDialog>
    </Box>
  );
}
