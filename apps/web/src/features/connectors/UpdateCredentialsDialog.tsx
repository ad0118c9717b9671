import LockIcon from '@mui/icons-material/Lock';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';

import { ApiError } from '../../api/client.js';
import { useUpdateCredentials } from '../../api/connectors.api.js';
import type { Connector } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { explainError } from '../../components/error-advice.js';

/** Which field an error belongs to, so it is shown where the admin will fix it. */
function fieldOf(error: unknown): 'username' | 'secret' | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'psa_bad_username' || error.code === 'psa_zone_unknown') return 'username';
  if (error.code === 'psa_bad_secret') return 'secret';
  return null;
}

/** The words of each PSA's API credentials (the API carries them as user name + secret). */
const credentialWords = {
  autotask: {
    psa: 'Autotask',
    intro:
      'Autotask never shows a secret again: regenerate it on the API user, then paste it here. The new credentials are checked with Autotask first; if they fail, the current ones stay in use.',
    user: 'User name',
    userHelp: 'The API user\u2019s Username (Key)',
    secret: 'New secret',
  },
  connectwise: {
    psa: 'ConnectWise PSA',
    intro:
      'ConnectWise shows a private key only when it is generated: create a new key pair on the API member, then paste it here. The new credentials are checked with ConnectWise first; if they fail, the current ones stay in use.',
    user: 'Company ID + public key @ site',
    userHelp: 'companyId+publicKey@site, e.g. northwind+AbCdEf123@na.myconnectwise.net',
    secret: 'New private key',
  },
} as const;

/**
 * Replaces the API user of an existing connector. The server verifies the new pair with the PSA
 * first and keeps the stored one when verification fails, so a typo never disconnects billing.
 * Both fields are sent: a regenerated Autotask secret usually comes with the same user, but the
 * admin confirms the user name rather than us guessing which half changed.
 */
export function UpdateCredentialsDialog({
  connector,
  onClose,
}: {
  connector: Connector;
  onClose: (outcome: 'updated' | 'cancelled') => void;
}) {
  const update = useUpdateCredentials(connector.channelId, connector.id);
  const words = credentialWords[connector.kind];
  const [username, setUsername] = useState(connector.username);
  const [secret, setSecret] = useState('');
  const field = update.isError ? fieldOf(update.error) : null;
  const explained = update.isError ? explainError(update.error) : null;
  const cancel = () => onClose('cancelled');

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    update.mutate(
      { username: username.trim(), secret },
      {
        onSuccess: () => {
          setSecret('');
          onClose('updated');
        },
        // A rejected secret is cleared so that the next attempt starts from a fresh paste.
        onError: (error) => {
          if (fieldOf(error) === 'secret') setSecret('');
        },
      },
    );
  };

  return (
    <Dialog
      open
      onClose={update.isPending ? undefined : cancel}
      aria-labelledby="update-credentials-title"
      fullWidth
      maxWidth="sm"
    >
      <Box component="form" onSubmit={submit} noValidate>
        {update.isPending ? (
          <LinearProgress aria-label={`Checking the new credentials with ${words.psa}`} />
        ) : (
          <Box sx={{ height: 4 }} />
        )}
        <DialogTitle id="update-credentials-title">Update {words.psa} credentials</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2.5 }}>
            {words.intro}
          </Typography>
          <Stack spacing={2.5}>
            <TextField
              label={words.user}
              name="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="off"
              required
              fullWidth
              disabled={update.isPending}
              error={field === 'username'}
              helperText={
                field === 'username' && explained
                  ? `${explained.message} ${explained.advice ?? ''}`
                  : words.userHelp
              }
            />
            <TextField
              label={words.secret}
              name="secret"
              type="password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              autoComplete="new-password"
              required
              autoFocus
              fullWidth
              disabled={update.isPending}
              error={field === 'secret'}
              helperText={
                field === 'secret' && explained
                  ? `${explained.message} ${explained.advice ?? ''}`
                  : 'Stored encrypted and never shown again.'
              }
              slotProps={{
                input: {
                  startAdornment: <LockIcon fontSize="small" sx={{ mr: 1, color: 'action.active' }} />,
                },
              }}
            />
            {update.isError ? (
              <Alert severity="info" role="status">
                The current credentials were kept.
              </Alert>
            ) : null}
            {update.isError && field === null ? <ErrorAlert error={update.error} /> : null}
            {update.isPending ? (
              <Alert severity="info" icon={<CircularProgress size={18} />}>
                Checking the new credentials with {words.psa}…
              </Alert>
            ) : null}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2.5 }}>
          <Button onClick={cancel} disabled={update.isPending}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={update.isPending || !username.trim() || !secret}
            startIcon={update.isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
          >
            UPDATE
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
