import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import LockIcon from '@mui/icons-material/Lock';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';

import { ApiError } from '../../api/client.js';
import { useConnectors, useCreateConnector } from '../../api/connectors.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { explainError } from '../../components/error-advice.js';
import { AutotaskMark } from './AutotaskMark.js';
import { ConnectWiseDialog } from './ConnectWiseDialog.js';
import { ConnectWiseMark } from './ConnectWiseMark.js';
import { UpdateCredentialsDialog } from './UpdateCredentialsDialog.js';

type Step = 'choose' | 'autotask' | 'connectwise' | 'credentials';

/** Add PSA Connection (choose the PSA) → Add Autotask connector (credentials, CONNECT). */
export function AddConnectorDialogs({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { channel } = useChannel();
  const connectors = useConnectors(channel.id);
  // One connector per PSA per channel: an existing one is shown as connected rather than offered
  // again (the server would refuse a second one with a 409 after calling the PSA).
  const existing = connectors.data?.items.find((c) => c.kind === 'autotask') ?? null;
  const existingCw = connectors.data?.items.find((c) => c.kind === 'connectwise') ?? null;
  const [step, setStep] = useState<Step>('choose');
  const close = () => {
    onClose();
    setStep('choose');
  };
  return (
    <>
      <Dialog
        open={open && step === 'choose'}
        onClose={close}
        aria-labelledby="add-psa-title"
        fullWidth
        maxWidth="xs"
      >
        <DialogTitle id="add-psa-title">Add PSA Connection</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            Choose the PSA your MSP bills from.
          </Typography>
          {/* A labelled group, not a <ul>: its entries are buttons, not list items. */}
          <List
            component="div"
            role="group"
            aria-label="PSA"
            sx={{ border: 1, borderColor: 'divider', borderRadius: 2, p: 0 }}
          >
            {existing ? (
              <ListItem
                component="div"
                sx={{ py: 1.5 }}
                secondaryAction={
                  <Link component="button" type="button" onClick={() => setStep('credentials')}>
                    Update credentials
                  </Link>
                }
              >
                <AutotaskMark />
                <ListItemText
                  sx={{ ml: 2, pr: 14 }}
                  primary={
                    <Stack component="span" direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                      <span>Autotask</span>
                      <Chip size="small" color="success" variant="outlined" label="Connected" />
                    </Stack>
                  }
                  secondary={`Already connected as ${existing.username}`}
                />
              </ListItem>
            ) : (
              <ListItemButton onClick={() => setStep('autotask')} sx={{ py: 1.5 }}>
                <AutotaskMark />
                <ListItemText
                  sx={{ ml: 2 }}
                  primary="Autotask"
                  secondary="Datto Autotask PSA: report units to recurring-service contracts"
                />
                <ChevronRightIcon color="action" />
              </ListItemButton>
            )}
            {existingCw ? (
              <ListItem component="div" sx={{ py: 1.5, borderTop: 1, borderColor: 'divider' }}>
                <ConnectWiseMark />
                <ListItemText
                  sx={{ ml: 2 }}
                  primary={
                    <Stack component="span" direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                      <span>ConnectWise PSA</span>
                      <Chip size="small" color="success" variant="outlined" label="Connected" />
                    </Stack>
                  }
                  secondary={existingCw.zoneName ?? 'Connected'}
                />
              </ListItem>
            ) : (
              <ListItemButton
                onClick={() => setStep('connectwise')}
                sx={{ py: 1.5, borderTop: 1, borderColor: 'divider' }}
              >
                <ConnectWiseMark />
                <ListItemText
                  sx={{ ml: 2 }}
                  primary="ConnectWise PSA"
                  secondary="ConnectWise PSA (Manage): report units to agreement additions"
                />
                <ChevronRightIcon color="action" />
              </ListItemButton>
            )}
          </List>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2 }}>
          <Button onClick={close}>Cancel</Button>
        </DialogActions>
      </Dialog>
      {open && step === 'autotask' ? (
        <AutotaskDialog onBack={() => setStep('choose')} onClose={close} />
      ) : null}
      {open && step === 'connectwise' ? (
        <ConnectWiseDialog onBack={() => setStep('choose')} onClose={close} />
      ) : null}
      {open && step === 'credentials' && existing ? (
        <UpdateCredentialsDialog connector={existing} onClose={close} />
      ) : null}
    </>
  );
}

/** Which field an error belongs to, so it is shown where the admin will fix it. */
function fieldOf(error: unknown): 'username' | 'secret' | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'psa_bad_username' || error.code === 'psa_zone_unknown') return 'username';
  if (error.code === 'psa_bad_secret') return 'secret';
  return null;
}

function AutotaskDialog({ onBack, onClose }: { onBack: () => void; onClose: () => void }) {
  const { channel } = useChannel();
  const create = useCreateConnector(channel.id);
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const field = create.isError ? fieldOf(create.error) : null;
  const explained = create.isError ? explainError(create.error) : null;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.mutate(
      { kind: 'autotask', username: username.trim(), secret },
      {
        onSuccess: () => {
          setSecret('');
          onClose();
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
      onClose={create.isPending ? undefined : onClose}
      aria-labelledby="add-autotask-title"
      fullWidth
      maxWidth="sm"
    >
      <Box component="form" onSubmit={submit} noValidate>
        {create.isPending ? (
          <LinearProgress aria-label="Connecting to Autotask" />
        ) : (
          <Box sx={{ height: 4 }} />
        )}
        <DialogTitle id="add-autotask-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <IconButton
            aria-label="Back to Add PSA Connection"
            onClick={onBack}
            disabled={create.isPending}
            size="small"
          >
            <ArrowBackIcon fontSize="small" />
          </IconButton>
          Add Autotask connector
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2.5 }}>
            Use the API user created in Autotask (Admin › Resources/Users › New API User) with the API
            Tracking Identifier &ldquo;Coro Cybersecurity - REST API Integration&rdquo;.
          </Typography>
          <Stack spacing={2.5}>
            <TextField
              label="User name"
              name="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="off"
              required
              autoFocus
              fullWidth
              disabled={create.isPending}
              error={field === 'username'}
              helperText={
                field === 'username' && explained
                  ? `${explained.message} ${explained.advice ?? ''}`
                  : 'The API user\u2019s Username (Key), e.g. abcd1234@example.com'
              }
            />
            <TextField
              label="Secret"
              name="secret"
              type="password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              autoComplete="new-password"
              required
              fullWidth
              disabled={create.isPending}
              error={field === 'secret'}
              helperText={
                field === 'secret' && explained
                  ? `${explained.message} ${explained.advice ?? ''}`
                  : 'The API user\u2019s Password (Secret). Stored encrypted and never shown again.'
              }
              slotProps={{
                input: {
                  startAdornment: <LockIcon fontSize="small" sx={{ mr: 1, color: 'action.active' }} />,
                },
              }}
            />
            {create.isError && field === null ? <ErrorAlert error={create.error} /> : null}
            {create.isPending ? (
              <Alert severity="info" icon={<CircularProgress size={18} />}>
                Connecting to Autotask: finding your zone and checking the API user…
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
            disabled={create.isPending || !username.trim() || !secret}
            startIcon={create.isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
          >
            CONNECT
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}
