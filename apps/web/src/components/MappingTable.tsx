import ArrowDropDownIcon from '@mui/icons-material/ArrowDropDown';
import AutoFixHighIcon from '@mui/icons-material/AutoFixHigh';
import CheckIcon from '@mui/icons-material/Check';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import SearchIcon from '@mui/icons-material/Search';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonBase from '@mui/material/ButtonBase';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useState, type ReactNode } from 'react';

import { useDebouncedValue } from '../lib/use-debounced-value.js';
import { AsyncEntityPicker, type PickerOption, type PickerSearch } from './AsyncEntityPicker.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { ErrorAlert } from './ErrorAlert.js';
import { visuallyHidden } from '../lib/visually-hidden.js';

export const mappingFilters = ['all', 'mapped', 'unmapped', 'problems'] as const;
export type MappingFilter = (typeof mappingFilters)[number];
export const mappingSorts = ['subject', 'target', 'status'] as const;
export type MappingSort = (typeof mappingSorts)[number];

export interface MappingQuery {
  readonly filter: MappingFilter;
  readonly q: string;
  readonly sort: MappingSort;
  readonly order: 'asc' | 'desc';
  readonly page: number;
  readonly pageSize: number;
}

export const defaultMappingQuery: MappingQuery = {
  filter: 'all',
  q: '',
  sort: 'subject',
  order: 'asc',
  page: 0,
  pageSize: 50,
};

export type StatusTone = 'success' | 'warning' | 'error' | 'default' | 'info';

export interface MappingRowStatus {
  readonly tone: StatusTone;
  readonly label: string;
  /** What is wrong, in one sentence. */
  readonly message?: string | null;
  /** What to do about it. */
  readonly advice?: string | null;
}

export interface MappingTableRow {
  readonly id: string;
  readonly name: string;
  /** Shown as a small chip next to the name (workspace status, service kind). */
  readonly tag?: string | null;
  readonly target: PickerOption | null;
  readonly status: MappingRowStatus;
  /** A fuzzy match the admin may confirm with one click (never applied automatically). */
  readonly suggestion?: { readonly id: string; readonly name: string; readonly score: number } | null;
}

export interface MappingCounts {
  readonly all: number;
  readonly mapped: number;
  readonly unmapped: number;
  readonly problems: number;
}

export interface ExtraColumn {
  readonly header: string;
  readonly render: (row: MappingTableRow) => ReactNode;
}

export interface MappingTableProps {
  /** "Coro workspace" / "Coro service". */
  readonly subjectLabel: string;
  /** "Autotask Company" / "Autotask Services". */
  readonly targetLabel: string;
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
}

const filterLabels: Record<MappingFilter, string> = {
  all: 'All',
  mapped: 'Mapped',
  unmapped: 'Unmapped',
  problems: 'Problems',
};

const sortHeaders: Record<MappingSort, string> = { subject: 'subject', target: 'target', status: 'status' };

function StatusCell({ status }: { status: MappingRowStatus }) {
  return (
    <Stack spacing={0.5} sx={{ alignItems: 'flex-start', maxWidth: 360 }}>
      <Chip
        size="small"
        label={status.label}
        color={status.tone === 'default' ? 'default' : status.tone}
        variant={status.tone === 'default' ? 'outlined' : 'filled'}
        sx={
          status.tone === 'success'
            ? { bgcolor: 'success.light', color: 'success.dark' }
            : status.tone === 'warning'
              ? { bgcolor: 'warning.light', color: 'warning.dark' }
              : status.tone === 'error'
                ? { bgcolor: 'error.light', color: 'error.dark' }
                : undefined
        }
      />
      {status.message ? (
        <Typography variant="caption" color="text.secondary">
          {status.message}
        </Typography>
      ) : null}
      {status.advice ? (
        <Typography variant="caption" sx={{ color: 'text.primary' }}>
          <strong>Next:</strong> {status.advice}
        </Typography>
      ) : null}
    </Stack>
  );
}

/**
 * Looks like the dropdown but is a plain button until used: a page of 100 rows would otherwise
 * mount 100 Autocompletes. Click, Enter or Space swaps in the real searchable picker, open.
 */
function PickerCell({
  label,
  value,
  onChange,
  search,
  searchKey,
  disabled,
}: {
  label: string;
  value: PickerOption | null;
  onChange: (option: PickerOption | null) => void;
  search: PickerSearch;
  searchKey: readonly unknown[];
  disabled: boolean;
}) {
  const [isEditing, setEditing] = useState(false);
  if (isEditing && !disabled) {
    return (
      <AsyncEntityPicker
        label={label}
        placeholder="Map"
        value={value}
        onChange={onChange}
        search={search}
        queryKey={searchKey}
        openOnMount
        onClosed={() => setEditing(false)}
      />
    );
  }
  return (
    <ButtonBase
      onClick={() => setEditing(true)}
      disabled={disabled}
      aria-haspopup="listbox"
      aria-label={`${label}: ${value ? value.name : 'Map'}`}
      sx={{
        width: '100%',
        height: 40,
        px: 1.5,
        justifyContent: 'space-between',
        border: 1,
        borderColor: value ? 'divider' : 'primary.light',
        borderStyle: value ? 'solid' : 'dashed',
        borderRadius: 1,
        bgcolor: value ? 'background.paper' : '#f8faff',
        typography: 'body2',
        textAlign: 'left',
        '&:hover': { borderColor: 'primary.main' },
        '&.Mui-focusVisible': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: 1 },
      }}
    >
      <Box
        component="span"
        sx={{
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
          color: value ? 'text.primary' : 'primary.main',
          fontWeight: value ? 400 : 600,
        }}
      >
        {value ? value.name : 'Map'}
      </Box>
      <ArrowDropDownIcon fontSize="small" color="action" aria-hidden />
    </ButtonBase>
  );
}

/**
 * Coro entities on the left, the PSA entity they map to on the right (a searchable Map dropdown per
 * row), a status per row, filter tabs with counts, search, sort and server-side pagination.
 * Controlled: the parent owns the query and fetches the page it describes.
 */
export function MappingTable({
  subjectLabel,
  targetLabel,
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
}: MappingTableProps) {
  const [text, setText] = useState(query.q);
  const debouncedText = useDebouncedValue(text, 300);
  const [unmapping, setUnmapping] = useState<MappingTableRow | null>(null);

  useEffect(() => {
    if (debouncedText !== query.q) onQueryChange({ ...query, q: debouncedText, page: 0 });
    // Only the typed text drives this effect; the query object changes on every page load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedText]);

  const sortBy = (sort: MappingSort) =>
    onQueryChange({
      ...query,
      sort,
      order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc',
      page: 0,
    });

  const header = (sort: MappingSort, label: string) =>
    hasToolbar ? (
      <TableSortLabel
        active={query.sort === sort}
        direction={query.sort === sort ? query.order : 'asc'}
        onClick={() => sortBy(sort)}
        data-sort={sortHeaders[sort]}
      >
        {label}
      </TableSortLabel>
    ) : (
      label
    );

  const columnCount = 3 + extraColumns.length + (readOnly ? 0 : 1);

  return (
    <Box>
      {hasToolbar ? (
        <Stack
          direction={{ xs: 'column', md: 'row' }}
          spacing={2}
          sx={{ alignItems: { md: 'center' }, justifyContent: 'space-between', mb: 2 }}
        >
          <Tabs
            value={query.filter}
            onChange={(_e, filter: MappingFilter) => onQueryChange({ ...query, filter, page: 0 })}
            aria-label={`Filter ${subjectPlural}`}
            variant="scrollable"
            sx={{
              minHeight: 40,
              '& .MuiTab-root': { minHeight: 40, textTransform: 'none', fontWeight: 600 },
            }}
          >
            {mappingFilters.map((filter) => (
              <Tab
                key={filter}
                value={filter}
                label={counts ? `${filterLabels[filter]} (${counts[filter]})` : filterLabels[filter]}
              />
            ))}
          </Tabs>
          <TextField
            size="small"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={`Search ${subjectPlural}`}
            sx={{ minWidth: { md: 300 } }}
            slotProps={{
              htmlInput: { 'aria-label': `Search ${subjectPlural}` },
              input: {
                startAdornment: (
                  <InputAdornment position="start">
                    <SearchIcon fontSize="small" />
                  </InputAdornment>
                ),
              },
            }}
          />
        </Stack>
      ) : null}
      <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 2, position: 'relative' }}>
        {isLoading ? (
          <LinearProgress sx={{ position: 'absolute', top: 0, left: 0, right: 0 }} aria-label="Loading" />
        ) : null}
        <Table aria-label={`${subjectLabel} to ${targetLabel} mapping`} size="medium">
          <TableHead>
            <TableRow>
              <TableCell sx={{ width: '30%' }} sortDirection={query.sort === 'subject' ? query.order : false}>
                {header('subject', subjectLabel)}
              </TableCell>
              <TableCell
                sx={{ width: '34%', minWidth: 260 }}
                sortDirection={query.sort === 'target' ? query.order : false}
              >
                {header('target', targetLabel)}
              </TableCell>
              {extraColumns.map((column) => (
                <TableCell key={column.header}>{column.header}</TableCell>
              ))}
              <TableCell sortDirection={query.sort === 'status' ? query.order : false}>
                {header('status', 'Status')}
              </TableCell>
              {readOnly ? null : (
                <TableCell align="right">
                  <Box component="span" style={visuallyHidden}>
                    Actions
                  </Box>
                </TableCell>
              )}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.length === 0 && !isLoading ? (
              <TableRow>
                <TableCell colSpan={columnCount} sx={{ py: 6, textAlign: 'center', color: 'text.secondary' }}>
                  {query.q ? `No ${subjectPlural} match "${query.q}".` : `No ${subjectPlural} here.`}
                </TableCell>
              </TableRow>
            ) : null}
            {rows.map((row) => {
              const isPending = pendingRowId === row.id;
              const error = rowError?.rowId === row.id ? rowError.error : null;
              return (
                <TableRow key={row.id} hover data-row-id={row.id} aria-busy={isPending || undefined}>
                  <TableCell component="th" scope="row">
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                      <Typography sx={{ fontWeight: 600 }}>{row.name}</Typography>
                      {row.tag ? <Chip size="small" label={row.tag} variant="outlined" /> : null}
                    </Stack>
                  </TableCell>
                  <TableCell>
                    <Stack spacing={1}>
                      {readOnly ? (
                        <Typography color={row.target ? 'text.primary' : 'text.secondary'}>
                          {row.target?.name ?? 'Not mapped'}
                        </Typography>
                      ) : (
                        <PickerCell
                          label={`${targetLabel} for ${row.name}`}
                          value={row.target}
                          onChange={(option) => {
                            if (option && option.id !== row.target?.id) onMap(row, option);
                            else if (!option && row.target) setUnmapping(row);
                          }}
                          search={search}
                          searchKey={searchKey}
                          disabled={isPending}
                        />
                      )}
                      {!row.target && row.suggestion ? (
                        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                          <AutoFixHighIcon fontSize="small" color="primary" aria-hidden />
                          <Typography variant="caption" color="text.secondary">
                            Suggested: <strong>{row.suggestion.name}</strong> (
                            {Math.round(row.suggestion.score * 100)}% match)
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
                      {error ? <ErrorAlert error={error} /> : null}
                    </Stack>
                  </TableCell>
                  {extraColumns.map((column) => (
                    <TableCell key={column.header}>{column.render(row)}</TableCell>
                  ))}
                  <TableCell>
                    <StatusCell status={row.status} />
                  </TableCell>
                  {readOnly ? null : (
                    <TableCell align="right">
                      {row.target ? (
                        <Tooltip title="Unmap">
                          <span>
                            <IconButton
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
          onRowsPerPageChange={(e) => onQueryChange({ ...query, pageSize: Number(e.target.value), page: 0 })}
          labelRowsPerPage={`${subjectPlural[0]?.toUpperCase() ?? ''}${subjectPlural.slice(1)} per page`}
        />
      ) : null}
      <ConfirmDialog
        open={unmapping !== null}
        title={`Unmap ${unmapping?.name ?? ''}?`}
        confirmLabel="Unmap"
        isDestructive
        onCancel={() => setUnmapping(null)}
        onConfirm={() => {
          if (unmapping) onUnmap(unmapping);
          setUnmapping(null);
        }}
      >
        {unmapping?.name} will no longer be linked to {unmapping?.target?.name}. Syncing stops for it; units
        already in Autotask are left as they are.
      </ConfirmDialog>
    </Box>
  );
}
