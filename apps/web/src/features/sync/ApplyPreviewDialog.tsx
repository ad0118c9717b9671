import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { useId } from 'react';

import { ApiError } from '../../api/client.js';
import type { PreviewChange, PreviewStaleDetails, SyncRunDetail } from '../../api/sync-types.js';
import { useApplyPreview } from '../../api/sync.api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDate, formatMoney, plural } from '../../lib/format.js';
import { ImpactSummary } from './ImpactSummary.js';

const side = (s: PreviewChange['before']): string =>
  s === null ? 'no line' : s.kind === 'adjust' ? `${s.fromUnits ?? '?'} → ${s.toUnits ?? '?'}` : s.kind;

function staleDetails(error: unknown): (PreviewStaleDetails & { message: string }) | null {
  if (!(error instanceof ApiError) || error.code !== 'preview_stale' || !error.details) return null;
  const details = error.details as unknown as PreviewStaleDetails;
  return typeof details.freshPreviewRunId === 'string' ? { ...details, message: error.message } : null;
}

/**
 * "Apply this preview": states the impact (counts, units, money) before anything is written, then
 * applies exactly the reviewed lines. When the preview is out of date the server writes nothing and
 * says what changed; the dialog offers the fresh preview instead of re-planning silently.
 */
export function ApplyPreviewDialog({
  channelId,
  connectorId,
  psaName,
  preview,
  onApplied,
  onReviewFresh,
  onClose,
}: {
  channelId: string;
  connectorId: string;
  psaName: string;
  /** Null: closed. */
  preview: SyncRunDetail | null;
  onApplied: (runId: string) => void;
  onReviewFresh: (previewRunId: string) => void;
  onClose: () => void;
}) {
  const titleId = useId();
  const apply = useApplyPreview(channelId, connectorId);
  const stale = staleDetails(apply.error);
  const impact = preview?.impact;
  const close = () => {
    apply.reset();
    onClose();
  };
  const held = preview?.heldImpact;
  return (
    <Dialog open={preview !== null} onClose={apply.isPending ? undefined : close} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>
        {stale ? 'This preview is out of date' : `Apply this preview to ${psaName}?`}
      </DialogTitle>
      <DialogContent>
        {stale ? (
          <>
            <Alert severity="warning" sx={{ mb: 2 }}>
              {stale.message}
            </Alert>
            <Typography variant="subtitle2" component="h3">
              What changed ({plural(stale.changeCount, 'line')})
            </Typography>
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {stale.changes.map((c, i) => (
                <Typography component="li" variant="body2" key={`${c.workspaceName}-${c.serviceName}-${i}`}>
                  {c.workspaceName} · {c.serviceName}: reviewed {side(c.before)}, now {side(c.now)}
                </Typography>
              ))}
            </Box>
          </>
        ) : preview && impact ? (
          <>
            <Typography sx={{ mb: 2 }}>
              {plural(impact.changes, 'contract service')} will change in {psaName}, effective{' '}
              {formatDate(preview.run.effectiveDate)}. Exactly these lines are written; if anything changed
              since the preview, nothing is.
            </Typography>
            <ImpactSummary impact={impact} psaName={psaName} />
            {held && held.changes > 0 ? (
              <Alert severity="info" sx={{ mt: 2 }}>
                {plural(held.changes, 'held change')} ({formatMoney(held.monthlyAmount, held.currency)} per
                month) {held.changes === 1 ? 'is' : 'are'} not applied: approve{' '}
                {held.changes === 1 ? 'it' : 'them'} on the sync page after this run.
              </Alert>
            ) : null}
            {apply.isError ? (
              <ErrorAlert error={apply.error} title="Nothing was applied" sx={{ mt: 2 }} />
            ) : null}
          </>
        ) : null}
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        <Button onClick={close} disabled={apply.isPending} autoFocus>
          Cancel
        </Button>
        {stale ? (
          <Button
            variant="contained"
            onClick={() => {
              apply.reset();
              onReviewFresh(stale.freshPreviewRunId);
            }}
          >
            Review the fresh preview
          </Button>
        ) : preview && impact ? (
          <Button
            variant="contained"
            disabled={apply.isPending}
            startIcon={apply.isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
            onClick={() =>
              apply.mutate(preview.run.id, {
                onSuccess: (started) => {
                  apply.reset();
                  if (started.runId) onApplied(started.runId);
                },
              })
            }
          >
            {impact.changes === 0 ? 'Record this sync' : `Apply ${plural(impact.changes, 'change')}`}
          </Button>
        ) : null}
      </DialogActions>
    </Dialog>
  );
}
