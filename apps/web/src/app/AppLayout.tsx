import CableIcon from '@mui/icons-material/Cable';
import GroupIcon from '@mui/icons-material/Group';
import LogoutIcon from '@mui/icons-material/Logout';
import MenuIcon from '@mui/icons-material/Menu';
import TuneIcon from '@mui/icons-material/Tune';
import VisibilityIcon from '@mui/icons-material/Visibility';
import AppBar from '@mui/material/AppBar';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import ListSubheader from '@mui/material/ListSubheader';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import { Suspense, useMemo, useState } from 'react';
import { Link as RouterLink, Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router';

import { useLogout, useMe } from '../api/auth.api.js';
import { canEdit, roleLabels } from '../api/types.js';
import { ChangePasswordPage } from '../features/auth/ChangePasswordPage.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { ChannelContext } from './channel-context.js';
import { paths } from './paths.js';
import { mainContentId, SkipLink } from '../components/SkipLink.js';

const drawerWidthPx = 248;

export function PageLoading() {
  return (
    <Box sx={{ display: 'grid', placeItems: 'center', minHeight: 240 }} role="status" aria-label="Loading">
      <CircularProgress size={32} />
    </Box>
  );
}

function Brand() {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
      <Box
        aria-hidden
        sx={{
          width: 30,
          height: 30,
          borderRadius: '8px',
          background: 'linear-gradient(135deg, #6366f1, #0ea5e9)',
          display: 'grid',
          placeItems: 'center',
          fontWeight: 800,
          color: '#fff',
        }}
      >
        c
      </Box>
      <Typography component="span" sx={{ fontWeight: 800, fontSize: '1.15rem', letterSpacing: '-0.02em' }}>
        coro
      </Typography>
    </Box>
  );
}

/** The authenticated shell: top bar with channel switcher and user menu, left Control Panel nav. */
export function AppLayout() {
  const me = useMe();
  const logout = useLogout();
  const { channelId } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const muiTheme = useTheme();
  const isDesktop = useMediaQuery(muiTheme.breakpoints.up('md'));
  const [mobileOpen, setMobileOpen] = useState(false);
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);

  const channel = useMemo(() => me.data?.channels.find((c) => c.id === channelId), [me.data, channelId]);
  const context = useMemo(
    () => (me.data && channel ? { me: me.data, channel, canEdit: canEdit(channel.role) } : null),
    [me.data, channel],
  );

  if (me.isPending) return <PageLoading />;
  if (me.isError) {
    return (
      <Box sx={{ p: 4 }}>
        <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </Box>
    );
  }
  if (!me.data)
    return <Navigate to={`${paths.login}?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (me.data.mustChangePassword) return <ChangePasswordPage email={me.data.user.email} />;
  const first = me.data.channels[0];
  if (!context) {
    return first ? <Navigate to={paths.connectors(first.id)} replace /> : <NoChannel />;
  }

  const isConnectors = location.pathname.includes('/control-panel/connectors');
  const isTeam = location.pathname.includes('/control-panel/team');
  const nav = (
    <Box component="nav" aria-label="Control Panel" sx={{ width: drawerWidthPx, pt: 1 }}>
      {/* A <div>, not a <ul>: the entries are links and the subheader a heading, neither a list item. */}
      <List
        component="div"
        dense
        subheader={
          <ListSubheader component="div" sx={{ fontWeight: 700, lineHeight: '36px', bgcolor: 'transparent' }}>
            Workspace
          </ListSubheader>
        }
      >
        <ListItemButton
          component={RouterLink}
          to={paths.connectors(context.channel.id)}
          selected={isConnectors}
          aria-current={isConnectors ? 'page' : undefined}
          onClick={() => setMobileOpen(false)}
          sx={{ mx: 1, borderRadius: 2 }}
        >
          <ListItemIcon sx={{ minWidth: 36 }}>
            <CableIcon fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Connectors" />
        </ListItemButton>
        <ListItemButton
          component={RouterLink}
          to={paths.team(context.channel.id)}
          selected={isTeam}
          aria-current={isTeam ? 'page' : undefined}
          onClick={() => setMobileOpen(false)}
          sx={{ mx: 1, borderRadius: 2 }}
        >
          <ListItemIcon sx={{ minWidth: 36 }}>
            <GroupIcon fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Team" />
        </ListItemButton>
      </List>
    </Box>
  );

  return (
    <ChannelContext.Provider value={context}>
      <SkipLink />
      <Box sx={{ display: 'flex', minHeight: '100vh' }}>
        <AppBar position="fixed" sx={{ bgcolor: '#0f172a', zIndex: (t) => t.zIndex.drawer + 1 }}>
          <Toolbar sx={{ gap: 1.5 }}>
            {!isDesktop ? (
              <IconButton
                color="inherit"
                edge="start"
                aria-label="Open navigation"
                onClick={() => setMobileOpen(true)}
              >
                <MenuIcon />
              </IconButton>
            ) : null}
            <Brand />
            <Divider
              orientation="vertical"
              flexItem
              sx={{ borderColor: 'rgba(255,255,255,0.15)', mx: 1, my: 1.5 }}
            />
            <Button
              color="inherit"
              component={RouterLink}
              to={paths.connectors(context.channel.id)}
              startIcon={<TuneIcon />}
              aria-current={isConnectors ? 'page' : undefined}
              sx={{ bgcolor: 'rgba(255,255,255,0.08)', textTransform: 'none', fontWeight: 600 }}
            >
              Control Panel
            </Button>
            <Box sx={{ flexGrow: 1 }} />
            {me.data.channels.length > 1 ? (
              <TextField
                select
                size="small"
                label="Channel"
                value={context.channel.id}
                onChange={(event) => void navigate(paths.connectors(event.target.value))}
                sx={{
                  minWidth: { xs: 140, sm: 220 },
                  '& .MuiInputBase-root': { color: '#fff', bgcolor: 'rgba(255,255,255,0.08)' },
                  '& .MuiInputLabel-root': { color: 'rgba(255,255,255,0.7)' },
                  '& .MuiSvgIcon-root': { color: '#fff' },
                  '& fieldset': { borderColor: 'rgba(255,255,255,0.2)' },
                }}
              >
                {me.data.channels.map((c) => (
                  <MenuItem key={c.id} value={c.id}>
                    {c.displayName}
                  </MenuItem>
                ))}
              </TextField>
            ) : (
              <Typography variant="body2" sx={{ opacity: 0.85, display: { xs: 'none', sm: 'block' } }}>
                {context.channel.displayName}
              </Typography>
            )}
            {!context.canEdit ? (
              <Tooltip title="Your role can view but not change anything">
                <Chip
                  icon={<VisibilityIcon />}
                  label="Read-only"
                  size="small"
                  sx={{ bgcolor: '#fef3c7', color: '#92400e', '& .MuiChip-icon': { color: '#92400e' } }}
                />
              </Tooltip>
            ) : null}
            <IconButton
              // Starts with the initials shown in the avatar, so voice users can say what they see.
              aria-label={`${initials(me.data.user.displayName)}, account: ${me.data.user.displayName}`}
              aria-haspopup="menu"
              onClick={(event) => setMenuAnchor(event.currentTarget)}
              sx={{ p: 0.5 }}
            >
              <Avatar sx={{ width: 32, height: 32, bgcolor: '#4f46e5', fontSize: '0.9rem' }}>
                {initials(me.data.user.displayName)}
              </Avatar>
            </IconButton>
            <Menu anchorEl={menuAnchor} open={Boolean(menuAnchor)} onClose={() => setMenuAnchor(null)}>
              <Box sx={{ px: 2, py: 1 }}>
                <Typography variant="subtitle1">{me.data.user.displayName}</Typography>
                <Typography variant="body2" color="text.secondary">
                  {me.data.user.email}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {roleLabels[context.channel.role]} · {context.channel.displayName}
                </Typography>
              </Box>
              <Divider />
              <MenuItem
                onClick={() => {
                  setMenuAnchor(null);
                  logout.mutate(undefined, { onSettled: () => void navigate(paths.login) });
                }}
              >
                <ListItemIcon>
                  <LogoutIcon fontSize="small" />
                </ListItemIcon>
                Sign out
              </MenuItem>
            </Menu>
          </Toolbar>
        </AppBar>
        <Drawer
          variant={isDesktop ? 'permanent' : 'temporary'}
          open={isDesktop || mobileOpen}
          onClose={() => setMobileOpen(false)}
          sx={{
            width: isDesktop ? drawerWidthPx : 0,
            flexShrink: 0,
            '& .MuiDrawer-paper': {
              width: drawerWidthPx,
              boxSizing: 'border-box',
              borderRight: '1px solid #e2e8f0',
            },
          }}
        >
          <Toolbar />
          <Typography variant="overline" sx={{ px: 2.5, pt: 2, color: 'text.secondary', fontWeight: 700 }}>
            Control Panel
          </Typography>
          {nav}
        </Drawer>
        <Box
          component="main"
          id={mainContentId}
          tabIndex={-1}
          sx={{ flexGrow: 1, minWidth: 0, '&:focus': { outline: 'none' } }}
        >
          <Toolbar />
          <Box sx={{ p: { xs: 2, md: 4 }, maxWidth: 1400, mx: 'auto' }}>
            <Suspense fallback={<PageLoading />}>
              <Outlet />
            </Suspense>
          </Box>
        </Box>
      </Box>
    </ChannelContext.Provider>
  );
}

function initials(name: string): string {
  const parts = name.split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

function NoChannel() {
  return (
    <Box sx={{ p: 6, textAlign: 'center' }}>
      <Typography variant="h5" gutterBottom>
        No channel workspace
      </Typography>
      <Typography color="text.secondary">
        PSA connectors are configured in channel workspaces. Ask an MSP Super admin to give your account a
        role on one.
      </Typography>
    </Box>
  );
}
