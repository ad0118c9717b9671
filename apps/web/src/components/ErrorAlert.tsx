import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type { SxProps, Theme } from '@mui/material/styles';

import { explainError } from './error-advice.js';

/** An error told in two parts: what happened, and what to do next. */
export function ErrorAlert({
  error,
  title,
  onRetry,
  sx,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  sx?: SxProps<Theme>;
}) {
  const explained = explainError(error);
  return (
    <Alert
      severity="error"
      sx={sx}
      data-error-code={explained.code}
      action={
        onRetry ? (
          <Button color="inherit" size="small" onClick={onRetry}>
            Retry
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>{title ?? explained.message}</AlertTitle>
      {title ? <Typography variant="body2">{explained.message}</Typography> : null}
      {explained.advice ? (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          <strong>What to do next:</strong> {explained.advice}
        </Typography>
      ) : null}
    </Alert>
  );
}
