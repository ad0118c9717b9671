import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import CircularProgress from '@mui/material/CircularProgress';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';

import { useAuthConfig, useLogin, useMe } from '../../api/auth.api.js';
import { roleLabels, type Me } from '../../api/types.js';
import { paths } from '../../app/paths.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useDocumentTitle } from '../../lib/use-document-title.js';

function safeNext(next: string | null): string | null {
  return next && next.startsWith('/channels/') ? next : null;
}

export function LoginPage() {
  useDocumentTitle('Sign in');
  const me = useMe();
  const authConfig = useAuthConfig();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  // The team invitation e-mail links here with `?email=`, so only the password is left to type.
  const [email, setEmail] = useState(() => params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [chooser, setChooser] = useState<Me | null>(null);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (signedIn) => {
          if (next) void navigate(next, { replace: true });
          else if (signedIn.channels.length > 1) setChooser(signedIn);
          else if (signedIn.channels[0])
            void navigate(paths.connectors(signedIn.channels[0].id), { replace: true });
          else setChooser(signedIn);
        },
      },
    );
  };

  // Already signed in (e.g. a bookmarked /login): go straight in.
  if (!chooser && !login.isPending && !login.isSuccess && me.data?.channels[0]) {
    return <Navigate to={next ?? paths.connectors(me.data.channels[0].id)} replace />;
  }

  return (
    <Box
      sx={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        p: 2,
        background: 'radial-gradient(1200px 600px at 10% -10%, #e0e7ff 0%, transparent 60%), #f5f6fa',
      }}
    >
      <Card sx={{ width: '100%', maxWidth: 420, boxShadow: '0 10px 40px rgba(15,23,42,0.08)' }}>
        <CardContent sx={{ p: 4 }}>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 3 }}>
            <Box
              aria-hidden
              sx={{
                width: 36,
                height: 36,
                borderRadius: '10px',
                background: 'linear-gradient(135deg, #6366f1, #0ea5e9)',
                display: 'grid',
                placeItems: 'center',
                fontWeight: 800,
                color: '#fff',
                fontSize: '1.2rem',
              }}
            >
              c
            </Box>
            <Typography sx={{ fontWeight: 800, fontSize: '1.4rem', letterSpacing: '-0.02em' }}>
              coro
            </Typography>
          </Stack>
          {chooser ? (
            <ChannelChooser
              me={chooser}
              onPick={(id) => void navigate(paths.connectors(id), { replace: true })}
            />
          ) : (
            <Box component="form" onSubmit={submit} noValidate>
              <Typography variant="h5" component="h1" gutterBottom>
                Sign in
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 3 }}>
                Sign in to the Coro console to manage your channel&apos;s PSA connectors.
              </Typography>
              {authConfig.data?.isDemo ? (
                <Box
                  role="note"
                  aria-label="Demo logins"
                  sx={{ mb: 3, p: 1.5, borderRadius: 1, bgcolor: '#eef2ff' }}
                >
                  {(authConfig.data.demoLogins ?? []).map((l) => (
                    <Typography key={l.email} variant="body2">
                      Demo{l.role === 'msp_viewer' ? ' (viewer)' : ''}: {l.email} / {l.password}
                    </Typography>
                  ))}
                </Box>
              ) : null}
              <Stack spacing={2}>
                {login.isError ? <ErrorAlert error={login.error} /> : null}
                <TextField
                  label="Email"
                  type="email"
                  name="email"
                  autoComplete="username"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  required
                  autoFocus
                  fullWidth
                />
                <TextField
                  label="Password"
                  type="password"
                  name="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  required
                  fullWidth
                />
                <Button
                  type="submit"
                  variant="contained"
                  size="large"
                  disabled={login.isPending || !email || !password}
                  startIcon={login.isPending ? <CircularProgress size={18} color="inherit" /> : undefined}
                >
                  Sign in
                </Button>
              </Stack>
            </Box>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}

function ChannelChooser({ me, onPick }: { me: Me; onPick: (channelId: string) => void }) {
  if (me.channels.length === 0) {
    return (
      <>
        <Typography variant="h5" component="h1" gutterBottom>
          No channel workspace
        </Typography>
        <Typography color="text.secondary">
          Your account has no role on a channel workspace. PSA connectors are configured in channel
          workspaces.
        </Typography>
      </>
    );
  }
  return (
    <>
      <Typography variant="h5" component="h1" gutterBottom>
        Choose a channel
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        You belong to several channels. You can switch later from the top bar.
      </Typography>
      <List aria-label="Channels" sx={{ border: '1px solid', borderColor: 'divider', borderRadius: 2, p: 0 }}>
        {me.channels.map((channel) => (
          <ListItemButton key={channel.id} onClick={() => onPick(channel.id)} divider>
            <ListItemText primary={channel.displayName} secondary={roleLabels[channel.role]} />
            <ChevronRightIcon color="action" />
          </ListItemButton>
        ))}
      </List>
    </>
  );
}
