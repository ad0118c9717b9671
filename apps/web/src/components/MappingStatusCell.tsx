import Box from '@mui/material/Box';
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

/**
 * A row's status chip, what is wrong and what to do next — on one line so the row stays compact
 * (≤ 56 px): the text is cut with an ellipsis on screen but stays whole for screen readers, and
 * whole in the tooltip (title) for a mouse.
 */
export function MappingStatusCell({ status }: { status: MappingRowStatus }) {
  const detail = [status.message, status.advice ? `Next: ${status.advice}` : null].filter(Boolean).join(' ');
  return (
    // On a phone the action (e.g. "Pin the contract") wraps under the chip and the text instead of
    // pushing the stacked row 15 px past a 390 px screen.
    <Stack
      direction="row"
      spacing={1}
      useFlexGap
      sx={{
        alignItems: 'center',
        minWidth: 0,
        maxWidth: 420,
        flexWrap: { xs: 'wrap', sm: 'nowrap' },
        rowGap: 0.5,
      }}
    >
      <Chip
        size="small"
        label={status.label}
        color={status.tone === 'default' ? 'default' : status.tone}
        variant={status.tone === 'default' ? 'outlined' : 'filled'}
        sx={{ ...toneSx[status.tone], flexShrink: 0 }}
      />
      {detail ? (
        <Typography
          variant="caption"
          color="text.secondary"
          title={detail}
          sx={{
            minWidth: 0,
            display: '-webkit-box',
            WebkitLineClamp: 2,
            '-webkit-box-orient': 'vertical',
            overflow: 'hidden',
            lineHeight: 1.35,
          }}
        >
          {detail}
        </Typography>
      ) : null}
      {status.action ? <Box sx={{ flexShrink: 0 }}>{status.action}</Box> : null}
    </Stack>
  );
}
