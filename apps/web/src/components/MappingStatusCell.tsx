import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

import type { MappingRowStatus, StatusTone } from './mapping-table.model.js';

// Light tinted chips for the three tones that carry meaning; the rest keep MUI's defaults.
const toneSx: Partial<Record<StatusTone, { bgcolor: string; color: string }>> = {
  success: { bgcolor: 'success.light', color: 'success.dark' },
  warning: { bgcolor: 'warning.light', color: 'warning.dark' },
  error: { bgcolor: 'error.light', color: 'error.dark' },
};

/** A row's status chip, what is wrong and what to do next. */
export function MappingStatusCell({ status }: { status: MappingRowStatus }) {
  return (
    <Stack spacing={0.5} sx={{ alignItems: 'flex-start', maxWidth: 360 }}>
      <Chip
        size="small"
        label={status.label}
        color={status.tone === 'default' ? 'default' : status.tone}
        variant={status.tone === 'default' ? 'outlined' : 'filled'}
        sx={toneSx[status.tone]}
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
      {status.action ?? null}
    </Stack>
  );
}
