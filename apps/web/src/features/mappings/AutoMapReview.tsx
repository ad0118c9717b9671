import AutoFixHighIcon from '@mui/icons-material/AutoFixHigh';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { useState } from 'react';

import {
  useApplyAutoMap,
  useAutoMapProposals,
  useMappingBatches,
  useUndoMappingBatch,
} from '../../api/mappings.api.js';
import { formatDateTime, plural } from '../../lib/format.js';
import { AutoMapReviewDialog } from './AutoMapReviewDialog.js';

/** After a reload, the last batch stays undoable from here for this long. */
const undoOfferMs = 24 * 60 * 60 * 1000;
const dismissedKey = 'coro.auto-map.dismissed-batch';

const undoneMessage = (removed: number, kept: number): string =>
  `Undid auto-map: ${plural(removed, 'workspace')} unmapped${
    kept
      ? `; ${plural(kept, 'mapping')} kept because ${kept === 1 ? 'it was' : 'they were'} changed since`
      : ''
  }.`;

/**
 * The Auto-map… button, its review dialog and the "Undo auto-map" snackbar. The snackbar also
 * offers the connector's last batch after a reload (for a day, until undone or dismissed).
 */
export function AutoMapReview({
  channelId,
  connectorId,
  psaName,
  onNotice,
}: {
  channelId: string;
  connectorId: string;
  psaName: string;
  onNotice: (message: string) => void;
}) {
  const [isReviewing, setIsReviewing] = useState(false);
  const [applied, setApplied] = useState<{ id: string; message: string } | null>(null);
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(dismissedKey));
  const [openedAt] = useState(() => Date.now());
  const proposals = useAutoMapProposals(channelId, connectorId, isReviewing);
  const batches = useMappingBatches(channelId, connectorId, true);
  const apply = useApplyAutoMap(channelId, connectorId);
  const undo = useUndoMappingBatch(channelId, connectorId);

  const last = batches.data?.items[0];
  const offered =
    applied ??
    (last && !last.undoneAt && last.mappingCount > 0 && openedAt - Date.parse(last.createdAt) < undoOfferMs
      ? {
          id: last.id,
          message: `Auto-map of ${formatDateTime(last.createdAt)} mapped ${plural(last.mappingCount, 'workspace')}.`,
        }
      : null);
  const shown = offered && offered.id !== dismissed ? offered : null;

  const dismiss = (batchId: string) => {
    sessionStorage.setItem(dismissedKey, batchId);
    setDismissed(batchId);
    setApplied(null);
  };

  return (
    <>
      <Button
        variant="contained"
        startIcon={<AutoFixHighIcon />}
        onClick={() => {
          apply.reset();
          setIsReviewing(true);
        }}
      >
        Auto-map…
      </Button>
      <AutoMapReviewDialog
        open={isReviewing}
        psaName={psaName}
        proposals={proposals.data}
        loadError={proposals.error}
        applyError={apply.error}
        isApplying={apply.isPending}
        onApply={(pairs) =>
          apply.mutate(
            { pairs },
            {
              onSuccess: (result) => {
                setIsReviewing(false);
                const skipped = result.skipped[0]
                  ? ` ${plural(result.skipped.length, 'pair')} skipped: ${result.skipped[0].message}`
                  : '';
                const message = `Auto-map mapped ${plural(result.mapped.length, 'workspace')}.${skipped}`;
                if (result.batchId) setApplied({ id: result.batchId, message });
                else onNotice(message);
              },
            },
          )
        }
        onClose={() => setIsReviewing(false)}
      />
      <Snackbar
        open={shown !== null}
        // Stays until the admin undoes or dismisses it: a click elsewhere must not lose the undo.
        onClose={(_event, reason) => {
          if (reason !== 'clickaway' && shown) dismiss(shown.id);
        }}
        message={shown?.message}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
        action={
          shown ? (
            <>
              <Button
                color="inherit"
                size="small"
                disabled={undo.isPending}
                onClick={() =>
                  undo.mutate(shown.id, {
                    onSuccess: (result) => {
                      setApplied(null);
                      onNotice(undoneMessage(result.removed.length, result.kept.length));
                    },
                    onError: (error) => onNotice(`Undoing auto-map failed: ${error.message}`),
                  })
                }
              >
                Undo auto-map
              </Button>
              <Button color="inherit" size="small" onClick={() => dismiss(shown.id)}>
                Dismiss
              </Button>
            </>
          ) : undefined
        }
      />
    </>
  );
}
