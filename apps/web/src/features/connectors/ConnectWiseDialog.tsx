import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import LockIcon from '@mui/icons-material/Lock';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';

import { useCreateConnector } from '../../api/connectors.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';

/**
 * Add ConnectWise PSA connector: site, company ID, public and private key. The API carries them
 * as `username = companyId+publicKey@site` (ConnectWise's own Basic-auth user plus its site) and
 * the private key as the secret; the integration's clientId comes from the server's config.
 */
export function ConnectWiseDialog({ onBack, onClose }: { onBack: () => void; onClose: () => void }) {
  const { channel } = useChannel();
  const create = useCreateConnector(channel.id);
  const [site, setSite] = useState('');
  const [companyId, setCompanyId] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const isComplete = [site, companyId, publicKey, privateKey].every((v) => v.trim() !== '');

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.mutate(
      {
        kind: 'connectwise',
        username: `${companyId.trim()}+${publicKey.trim()}@${site.trim()}`,
        secret: privateKey.trim(),
      },
      {
        onSuccess: () => {
          setPrivateKey('');
          onClose();
        },
        onError: () => setPrivateKey(''),
      },
    );
  };

  const field = (
    label: string,
    name: string,
    value: string,
    set: (v: string) => void,
    helperText: string,
    isFirst = false,
  ) => (
    <TextField
      label={label}
      name={name}
      value={value}
      onChange={(e) => set(e.target.value)}
      autoComplete="off"
      required
      autoFocus={isFirst}
      fullWidth
      disabled={create.isPending}
      helperText={helperText}
    />
  );

  return (
    <Dialog
      open
      onClose={create.isPending ? undefined : onClose}
      aria-labelledby="add-connectwise-title"
      fullWidth
      maxWidth="sm"
    >
      <Box component="form" onSubmit={submit} noValidate>
        {create.isPending ? (
          <LinearProgress aria-label="Connecting to ConnectWise PSA" />
        ) : (
          <Box sx={{ height: 4 }} />
        )}
        <DialogTitle id="add-connectwise-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <IconButton
            aria-label="Back to Add PSA Connection"
            onClick={onBack}
            disabled={create.isPending}
            size="small"
          >
            <ArrowBackIcon fontSize="small" />
          </IconButton>
          Add ConnectWise PSA connector
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2.5 }}>
            Use an API member (System › Members › API Members) whose security role can read Companies and the
            Product Catalog and edit Finance › Agreements; create its keys under API Keys.
          </Typography>
          <Stack spacing={2.5}>
            {field('Site', 'site', site, setSite, 'As in your browser, e.g. na.myconnectwise.net', true)}
            {field(
              'Company ID',
              'companyId',
              companyId,
              setCompanyId,
              'What you type as Company on the login screen',
            )}
            {field('Public key', 'publicKey', publicKey, setPublicKey, 'The API member’s public key')}
            <TextField
              label="Private key"
              name="privateKey"
              type="password"
              value={privateKey}
              onChange={(e) => setPrivateKey(e.target.value)}
              autoComplete="new-password"
              required
              fullWidth
              disabled={create.isPending}
              helperText="Shown once by ConnectWise. Stored encrypted and never shown again."
              slotProps={{
                input: {
                  startAdornment: <LockIcon fontSize="small" sx={{ mr: 1, color: 'action.active' }} />,
                },
              }}
            />
            {create.isError ? <ErrorAlert error={create.error} /> : null}
            {create.isPending ? (
              <Alert severity="info" icon={<CircularProgress size={18} />}>
                Connecting to ConnectWise PSA: finding your codebase and checking the API member…
              </Alert>
            ) : null}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2.5 }}>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={create.isPending || !isComplete}
            startIcon={create.isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
          >
            CONNECT
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
