import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState, type SyntheticEvent } from 'react';

import { useAddTeamMember, type AddedTeamMember } from '../../api/team.api.js';
import { roleLabels, type Role } from '../../api/types.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { assignableRoles } from './team-roles.js';

/**
 * Adds a person by e-mail. A new account's one-time password is shown here once (this component's
 * state only: closing the dialog forgets it) with a copy button; the server keeps only its hash.
 */
export function AddMemberDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { channel } = useChannel();
  const titleId = useId();
  const add = useAddTeamMember(channel.id);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('msp_viewer');
  const [added, setAdded] = useState<AddedTeamMember | null>(null);
  const [isCopied, setCopied] = useState(false);

  const close = () => {
    setEmail('');
    setRole('msp_viewer');
    setAdded(null);
    setCopied(false);
    add.reset();
    onClose();
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    add.mutate({ email: email.trim(), role }, { onSuccess: (result) => setAdded(result) });
  };
  const copy = () => {
    // Undefined outside a secure context (plain http off localhost): the field then selects on focus.
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (added?.oneTimePassword && clipboard)
      void clipboard.writeText(added.oneTimePassword).then(() => setCopied(true));
  };

  return (
    <Dialog
      open={open}
      onClose={add.isPending ? undefined : close}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id={titleId}>{added ? 'Member added' : 'Add member'}</DialogTitle>
      {added ? (
        <>
          <DialogContent>
            <Stack spacing={2}>
              <Typography>
                {added.member.email} is now {roleLabels[added.member.role]} of {channel.displayName}.
              </Typography>
              {added.onboarding === 'existing_account' ? (
                <Typography color="text.secondary">
                  They already had an account: they sign in as before and will find this channel.
                </Typography>
              ) : null}
              {added.onboarding === 'invitation_emailed' ? (
                <Alert severity="success">
                  An invitation with a sign-in link and a one-time password was e-mailed to them.
                </Alert>
              ) : null}
              {added.oneTimePassword ? (
                <>
                  <Alert severity="warning">
                    Copy this one-time password now and hand it over privately: it is shown only once and
                    cannot be shown again. They choose their own password after signing in.
                  </Alert>
                  <Stack
                    direction={{ xs: 'column', sm: 'row' }}
                    spacing={1}
                    sx={{ alignItems: { sm: 'center' } }}
                  >
                    <TextField
                      label="One-time password"
                      value={added.oneTimePassword}
                      slotProps={{ input: { readOnly: true, sx: { fontFamily: 'monospace' } } }}
                      onFocus={(e) => e.target.select()}
                      fullWidth
                    />
                    <Button
                      variant="outlined"
                      startIcon={<ContentCopyIcon />}
                      onClick={copy}
                      sx={{ flexShrink: 0 }}
                    >
                      {isCopied ? 'Copied' : 'Copy'}
                    </Button>
                  </Stack>
                </>
              ) : null}
            </Stack>
          </DialogContent>
          <DialogActions sx={{ px: 3, pb: 2 }}>
            <Button variant="contained" onClick={close} autoFocus>
              Done
            </Button>
          </DialogActions>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <DialogContent>
            <Stack spacing={2}>
              <Typography color="text.secondary">
                Someone without an account gets one, with a one-time password to hand over (or an e-mail
                invitation when the server can send mail).
              </Typography>
              {add.isError ? <ErrorAlert error={add.error} /> : null}
              <TextField
                label="E-mail"
                type="email"
                autoComplete="off"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
                autoFocus
                fullWidth
              />
              <TextField
                select
                label="Role"
                value={role}
                onChange={(e) => setRole(e.target.value as Role)}
                fullWidth
              >
                {assignableRoles(channel.role).map((r) => (
                  <MenuItem key={r} value={r}>
                    {roleLabels[r]}
                  </MenuItem>
                ))}
              </TextField>
            </Stack>
          </DialogContent>
          <DialogActions sx={{ px: 3, pb: 2 }}>
            <Button onClick={close} disabled={add.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant="contained"
              disabled={add.isPending || email.trim() === ''}
              startIcon={add.isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
            >
              Add member
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
