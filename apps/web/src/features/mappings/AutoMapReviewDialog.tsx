import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TablePagination from '@mui/material/TablePagination';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import { useId, useMemo, useState } from 'react';

import type { AutoMapProposal, AutoMapProposalList } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { plural } from '../../lib/format.js';
import {
  exclusionLabel,
  orderProposals,
  preselected,
  repeatedCompanies,
  scoreLabel,
  selectAll,
} from './auto-map-review.model.js';

const pageSize = 25;

export interface AutoMapReviewDialogProps {
  readonly open: boolean;
  /** The connector's PSA as its users know it (`psaLabel(kind)`). */
  readonly psaName: string;
  readonly proposals: AutoMapProposalList | undefined;
  readonly loadError?: unknown;
  readonly applyError?: unknown;
  readonly isApplying: boolean;
  readonly onApply: (pairs: { workspaceId: string; companyId: string }[]) => void;
  readonly onClose: () => void;
}

/**
 * Auto-map's proposals before anything is mapped: exact names pre-selected, similar names with
 * their score to opt into, and the pairs that cannot be applied with the reason. Paged, so
 * thousands of proposals stay light; applies exactly the checked pairs.
 */
export function AutoMapReviewDialog(props: AutoMapReviewDialogProps) {
  const theme = useTheme();
  const isSmall = useMediaQuery(theme.breakpoints.down('sm'));
  const titleId = useId();
  return (
    <Dialog
      open={props.open}
      onClose={props.isApplying ? undefined : props.onClose}
      aria-labelledby={titleId}
      fullScreen={isSmall}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={titleId}>Review auto-map</DialogTitle>
      {props.proposals ? (
        // Keyed on the list: a fresh list starts from its own pre-selection.
        <ReviewBody key={props.proposals.items.length} {...props} proposals={props.proposals} />
      ) : (
        <>
          <DialogContent>
            {props.loadError ? (
              <ErrorAlert error={props.loadError} title="The proposals could not be read" />
            ) : (
              <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
                <CircularProgress size={20} />
                <Typography>Comparing workspace and company names…</Typography>
              </Stack>
            )}
          </DialogContent>
          <DialogActions sx={{ px: 3, pb: 2 }}>
            <Button onClick={props.onClose}>Cancel</Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}

function ReviewBody({
  proposals,
  psaName,
  applyError,
  isApplying,
  onApply,
  onClose,
}: AutoMapReviewDialogProps & { proposals: AutoMapProposalList }) {
  const ordered = useMemo(() => orderProposals(proposals.items), [proposals]);
  const [selected, setSelected] = useState<Set<string>>(() => preselected(proposals));
  const [page, setPage] = useState(0);
  const countsId = useId();
  const repeated = repeatedCompanies(ordered, selected);
  const { exact, similar, excluded, unmatched } = proposals.counts;

  const toggle = (p: AutoMapProposal) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(p.workspaceId)) next.delete(p.workspaceId);
      else next.add(p.workspaceId);
      return next;
    });
  const apply = () =>
    onApply(
      ordered
        .filter((p) => selected.has(p.workspaceId))
        .map((p) => ({ workspaceId: p.workspaceId, companyId: p.companyId })),
    );

  return (
    <>
      <DialogContent dividers>
        <Typography id={countsId} sx={{ mb: 1.5 }}>
          {plural(exact, 'exact name')} (selected), {plural(similar, 'similar name')} to review, {excluded}{' '}
          not offered, {unmatched} without any candidate. Nothing is mapped until you apply.
        </Typography>
        <Stack direction="row" spacing={1} sx={{ mb: 1.5, flexWrap: 'wrap', rowGap: 1 }}>
          <Button size="small" variant="outlined" onClick={() => setSelected(selectAll(ordered))}>
            Select all
          </Button>
          <Button size="small" variant="outlined" onClick={() => setSelected(new Set())}>
            Select none
          </Button>
          <Typography variant="body2" role="status" sx={{ alignSelf: 'center' }}>
            {selected.size} selected
          </Typography>
        </Stack>
        {ordered.length === 0 ? (
          <Alert severity="info">Every workspace is mapped or has no matching company.</Alert>
        ) : (
          <Box
            component="ul"
            aria-describedby={countsId}
            aria-label="Auto-map proposals"
            sx={{ listStyle: 'none', m: 0, p: 0 }}
          >
            {ordered.slice(page * pageSize, (page + 1) * pageSize).map((p) => (
              <ProposalRow
                key={p.workspaceId}
                proposal={p}
                psaName={psaName}
                isSelected={selected.has(p.workspaceId)}
                onToggle={() => toggle(p)}
              />
            ))}
          </Box>
        )}
        {ordered.length > pageSize ? (
          <TablePagination
            component="div"
            count={ordered.length}
            page={page}
            onPageChange={(_e, next) => setPage(next)}
            rowsPerPage={pageSize}
            rowsPerPageOptions={[]}
          />
        ) : null}
        {repeated.length > 0 ? (
          <Alert severity="warning" role="alert" sx={{ mt: 1.5 }}>
            One company per workspace: {repeated.join(', ')} {repeated.length > 1 ? 'are' : 'is'} selected
            twice. Unselect one of each.
          </Alert>
        ) : null}
        {applyError ? <ErrorAlert error={applyError} title="Applying failed" /> : null}
      </DialogContent>
      <DialogActions sx={{ px: 3, py: 2, flexWrap: 'wrap', rowGap: 1 }}>
        <Button onClick={onClose} disabled={isApplying}>
          Cancel
        </Button>
        <Button
          variant="contained"
          onClick={apply}
          disabled={isApplying || selected.size === 0 || repeated.length > 0}
          startIcon={isApplying ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Apply {plural(selected.size, 'mapping')}
        </Button>
      </DialogActions>
    </>
  );
}

function ProposalRow({
  proposal: p,
  psaName,
  isSelected,
  onToggle,
}: {
  proposal: AutoMapProposal;
  psaName: string;
  isSelected: boolean;
  onToggle: () => void;
}) {
  const labelId = useId();
  const isExcluded = p.exclusion !== null;
  return (
    <Box
      component="li"
      sx={{
        display: 'flex',
        alignItems: 'flex-start',
        gap: 1,
        py: 0.75,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      <Checkbox
        checked={isSelected}
        onChange={onToggle}
        disabled={isExcluded}
        slotProps={{ input: { 'aria-labelledby': labelId } }}
        sx={{ mt: -0.5 }}
      />
      <Box sx={{ minWidth: 0, flex: 1 }}>
        <Typography id={labelId} sx={{ overflowWrap: 'anywhere' }}>
          {p.workspaceName} → {p.companyName}
        </Typography>
        <Stack
          direction="row"
          spacing={1}
          sx={{ mt: 0.25, alignItems: 'center', flexWrap: 'wrap', rowGap: 0.5 }}
        >
          {p.exclusion ? (
            <Chip
              size="small"
              variant="outlined"
              color="warning"
              label={exclusionLabel(p.exclusion, psaName)}
            />
          ) : p.match === 'exact' ? (
            <Chip size="small" color="success" label="Exact name" />
          ) : (
            <Chip size="small" variant="outlined" label={`Similar name · ${scoreLabel(p)} match`} />
          )}
          {p.note ? (
            <Typography variant="caption" color="text.secondary">
              {p.note}
            </Typography>
          ) : null}
        </Stack>
      </Box>
    </Box>
  );
}
