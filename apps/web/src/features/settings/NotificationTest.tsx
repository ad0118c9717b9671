import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

import {
  useSendTestNotification,
  type NotificationChannelResult,
  type NotificationTestResult,
} from '../../api/notifications.api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';

const statusWords: Record<NotificationChannelResult['status'], string> = {
  sent: 'Sent',
  failed: 'Failed',
  not_configured: 'Not configured',
};
const severity = { sent: 'success', failed: 'error', not_configured: 'info' } as const;

function ChannelLine({ name, result }: { name: string; result: NotificationChannelResult }) {
  return (
    <Alert severity={severity[result.status]} variant="outlined">
      <Typography variant="body2" component="p">
        <strong>
          {name}: {statusWords[result.status]}
        </strong>
        {result.detail === null ? null : ` (${result.detail})`}
      </Typography>
      {result.advice === null ? null : (
        <Typography variant="body2" component="p">
          {result.advice}
        </Typography>
      )}
    </Alert>
  );
}

function Results({ result }: { result: NotificationTestResult }) {
  return (
    <Stack spacing={1}>
      <ChannelLine name="E-mail" result={result.email} />
      <ChannelLine name="Webhook" result={result.webhook} />
    </Stack>
  );
}

/**
 * "Send test": one labelled notice through the saved settings, then each channel's outcome and
 * what to do next. The outcome sits in a polite live region so a screen reader hears it without
 * losing its place; the button is disabled with a spinner while the server waits on the receivers.
 */
export function NotificationTest({ channelId, connectorId }: { channelId: string; connectorId: string }) {
  const test = useSendTestNotification(channelId, connectorId);
  return (
    <Stack spacing={1.5}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
        <Button
          variant="text"
          onClick={() => test.mutate()}
          disabled={test.isPending}
          startIcon={test.isPending ? <CircularProgress size={16} aria-hidden /> : undefined}
        >
          {test.isPending ? 'Sending test…' : 'Send test'}
        </Button>
        <Typography variant="body2" color="text.secondary">
          Uses the saved settings.
        </Typography>
      </Box>
      <Box role="status" aria-live="polite">
        {test.isSuccess ? <Results result={test.data} /> : null}
      </Box>
      {test.isError ? <ErrorAlert error={test.error} title="The test was not sent" /> : null}
    </Stack>
  );
}
