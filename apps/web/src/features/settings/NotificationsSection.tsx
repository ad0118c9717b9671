import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';

import {
  useNotificationSettings,
  useSaveNotificationSettings,
  type NotificationSettings,
  type NotificationSettingsBody,
} from '../../api/notifications.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { NotificationTest } from './NotificationTest.js';

/** Comma- or line-separated addresses; empty means "the channel's admins". */
const recipientsOf = (text: string): string[] | null => {
  const list = text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  return list.length === 0 ? null : list;
};

/**
 * Who hears about finished runs (issue 13): e-mail on/off and its recipients, and a webhook signed
 * with a secret. The secret is write-only: the form says whether one is set and can replace or
 * clear it, never show it. The server refuses webhook URLs that are not https or that point at
 * private, loopback or metadata addresses.
 */
export function NotificationsSection() {
  const { channel } = useChannel();
  const { connector } = useConnectorContext();
  const settings = useNotificationSettings(channel.id, connector.id);
  // Held here, not in the form: a save changes updatedAt, which remounts the form (fresh fields
  // from the server); the "saved" or error message must survive that remount.
  const save = useSaveNotificationSettings(channel.id, connector.id);
  return (
    <Paper variant="outlined" sx={{ p: 3 }} component="section" aria-labelledby="notifications-title">
      <Typography variant="subtitle1" component="h3" id="notifications-title">
        Notifications
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        After each sync: an e-mail with the counts and the money it moved, and a signed webhook for your
        tools.
      </Typography>
      {settings.isPending ? (
        <Skeleton height={120} />
      ) : settings.isError ? (
        <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <NotificationsForm key={settings.data.updatedAt ?? 'new'} initial={settings.data} save={save} />
      )}
    </Paper>
  );
}

function NotificationsForm({
  initial,
  save,
}: {
  initial: NotificationSettings;
  save: ReturnType<typeof useSaveNotificationSettings>;
}) {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const [isEmailEnabled, setEmailEnabled] = useState(initial.isEmailEnabled);
  const [recipients, setRecipients] = useState((initial.emailRecipients ?? []).join(', '));
  const [webhookUrl, setWebhookUrl] = useState(initial.webhookUrl ?? '');
  const [secret, setSecret] = useState('');
  const [isClearingSecret, setClearingSecret] = useState(false);
  const disabled = !canEdit || save.isPending;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const body: NotificationSettingsBody = {
      isEmailEnabled,
      emailRecipients: recipientsOf(recipients),
      webhookUrl: webhookUrl.trim() === '' ? null : webhookUrl.trim(),
      ...(secret !== '' ? { webhookSecret: secret } : isClearingSecret ? { webhookSecret: null } : {}),
    };
    save.mutate(body, {
      onSuccess: () => {
        setSecret('');
        setClearingSecret(false);
      },
    });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate>
      <Stack spacing={2}>
        <FormControlLabel
          control={
            <Switch
              checked={isEmailEnabled}
              onChange={(e) => setEmailEnabled(e.target.checked)}
              disabled={disabled}
            />
          }
          label="E-mail after each sync"
        />
        <TextField
          label="E-mail recipients"
          size="small"
          value={recipients}
          onChange={(e) => setRecipients(e.target.value)}
          disabled={disabled || !isEmailEnabled}
          helperText="Separate addresses with commas. Empty: the channel's admins."
          fullWidth
        />
        <TextField
          label="Webhook URL"
          size="small"
          value={webhookUrl}
          onChange={(e) => setWebhookUrl(e.target.value)}
          disabled={disabled}
          placeholder="https://hooks.example.com/coro"
          helperText="https only; each delivery is signed with the secret below (HMAC-SHA256)."
          fullWidth
        />
        <TextField
          label={initial.hasWebhookSecret ? 'Replace the webhook secret' : 'Webhook secret'}
          size="small"
          type="password"
          autoComplete="new-password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          disabled={disabled || isClearingSecret}
          helperText={
            initial.hasWebhookSecret
              ? 'A secret is set. It is never shown again; type a new one (16+ characters) to replace it.'
              : 'At least 16 characters. Stored encrypted and never shown again.'
          }
          fullWidth
        />
        {initial.hasWebhookSecret && canEdit ? (
          <FormControlLabel
            control={
              <Switch
                checked={isClearingSecret}
                onChange={(e) => setClearingSecret(e.target.checked)}
                disabled={disabled}
              />
            }
            label="Remove the webhook secret"
          />
        ) : null}
        {save.isError ? <ErrorAlert error={save.error} title="The notifications were not saved" /> : null}
        {save.isSuccess ? (
          <Alert severity="success" role="status">
            Notifications saved.
          </Alert>
        ) : null}
        {canEdit ? (
          <Box>
            <Button type="submit" variant="outlined" disabled={save.isPending}>
              Save notifications
            </Button>
          </Box>
        ) : null}
        {canEdit ? <NotificationTest channelId={channel.id} connectorId={connector.id} /> : null}
      </Stack>
    </Box>
  );
}
