import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';

import { useChangePassword, useLogout } from '../../api/auth.api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useDocumentTitle } from '../../lib/use-document-title.js';

const MIN_LENGTH = 10;

/**
 * First sign-in with a one-time password (team onboarding): the server refuses everything else
 * until the person has chosen their own, so this screen replaces the console until then.
 */
export function ChangePasswordPage({ email }: { email: string }) {
  useDocumentTitle('Choose your password');
  const change = useChangePassword();
  const logout = useLogout();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const mismatch = repeat !== '' && repeat !== next;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (mismatch || next.length < MIN_LENGTH) return;
    change.mutate({ currentPassword: current, newPassword: next });
  };

  return (
    <Box
      component="main"
      id="main-content"
      sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2 }}
    >
      <Card variant="outlined" sx={{ width: '100%', maxWidth: 440 }}>
        <CardContent sx={{ p: { xs: 2.5, sm: 4 } }}>
          <Typography variant="h5" component="h1" gutterBottom>
            Choose your password
          </Typography>
          <Typography color="text.secondary" sx={{ mb: 2 }}>
            You signed in as {email} with a one-time password. Replace it with one only you know.
          </Typography>
          <form onSubmit={submit} noValidate>
            <Stack spacing={2}>
              {change.isError ? <ErrorAlert error={change.error} /> : null}
              <TextField
                label="One-time password"
                type="password"
                autoComplete="current-password"
                value={current}
                onChange={(e) => setCurrent(e.target.value)}
                required
                autoFocus
              />
              <TextField
                label="New password"
                type="password"
                autoComplete="new-password"
                value={next}
                onChange={(e) => setNext(e.target.value)}
                helperText={`At least ${MIN_LENGTH} characters, not a common password.`}
                required
              />
              <TextField
                label="Repeat the new password"
                type="password"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
                error={mismatch}
                helperText={mismatch ? 'The two passwords differ.' : ' '}
                required
              />
              {change.isSuccess ? <Alert severity="success">Password changed.</Alert> : null}
              <Button
                type="submit"
                variant="contained"
                disabled={change.isPending || current === '' || next.length < MIN_LENGTH || repeat !== next}
              >
                Save password
              </Button>
              <Button onClick={() => logout.mutate()} disabled={logout.isPending}>
                Sign out
              </Button>
            </Stack>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
