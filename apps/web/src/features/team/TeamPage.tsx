import PersonAddIcon from '@mui/icons-material/PersonAdd';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useState } from 'react';

import { useChangeTeamRole, useRemoveTeamMember, useTeam, type TeamMember } from '../../api/team.api.js';
import { roleLabels, type Role } from '../../api/types.js';
import { useChannel } from '../../app/channel-context.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDateTime } from '../../lib/format.js';
import { visuallyHidden } from '../../lib/visually-hidden.js';
import { useDocumentTitle } from '../../lib/use-document-title.js';
import { AddMemberDialog } from './AddMemberDialog.js';
import { assignableRoles, canManageMember } from './team-roles.js';

/** Control Panel → Team: who may open this channel, with which role. Viewers read, admins change. */
export function TeamPage() {
  const { channel, canEdit, me } = useChannel();
  const isPhone = useMediaQuery(useTheme().breakpoints.down('md'));
  const team = useTeam(channel.id);
  const changeRole = useChangeTeamRole(channel.id);
  const remove = useRemoveTeamMember(channel.id);
  const [isAddOpen, setAddOpen] = useState(false);
  const [removing, setRemoving] = useState<TeamMember | null>(null);
  useDocumentTitle('Team', channel.displayName);

  const actions: MemberActions | null = canEdit
    ? {
        selfId: me.user.id,
        ownRole: channel.role,
        isBusy: changeRole.isPending || remove.isPending,
        onRole: (member, role) => {
          remove.reset();
          changeRole.mutate({ userId: member.userId, role });
        },
        onRemove: (member) => {
          changeRole.reset();
          setRemoving(member);
        },
      }
    : null;
  const items = team.data?.items ?? [];
  const failure = changeRole.error ?? remove.error;

  return (
    <Stack spacing={3}>
      <Stack
        direction="row"
        sx={{ alignItems: 'flex-start', justifyContent: 'space-between', flexWrap: 'wrap', gap: 2 }}
      >
        <Box sx={{ minWidth: 0 }}>
          <Typography variant="h4" component="h1">
            Team
          </Typography>
          <Typography color="text.secondary" sx={{ mt: 0.5 }}>
            The people who can open {channel.displayName}, and what each may do.
            {canEdit ? '' : ' Only an MSP Administrator can change the team.'}
          </Typography>
        </Box>
        {canEdit ? (
          <Button variant="contained" startIcon={<PersonAddIcon />} onClick={() => setAddOpen(true)}>
            Add member
          </Button>
        ) : null}
      </Stack>
      {failure ? <ErrorAlert error={failure} /> : null}
      <Paper variant="outlined" sx={{ p: { xs: 2, md: 3 } }}>
        {team.isPending ? (
          <Stack spacing={1}>
            <Skeleton height={48} />
            <Skeleton height={48} />
          </Stack>
        ) : team.isError ? (
          <ErrorAlert error={team.error} onRetry={() => void team.refetch()} />
        ) : isPhone ? (
          <MemberCards members={items} actions={actions} />
        ) : (
          <MemberTable members={items} actions={actions} />
        )}
      </Paper>
      {canEdit ? <AddMemberDialog open={isAddOpen} onClose={() => setAddOpen(false)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title="Remove from the team?"
        confirmLabel="Remove"
        isDestructive
        isPending={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) remove.mutate(removing.userId, { onSettled: () => setRemoving(null) });
        }}
      >
        {removing?.email} will no longer be able to open {channel.displayName}. Their account stays, with any
        other channel it belongs to.
      </ConfirmDialog>
    </Stack>
  );
}

interface MemberActions {
  readonly selfId: string;
  readonly ownRole: Role;
  readonly isBusy: boolean;
  onRole(member: TeamMember, role: Role): void;
  onRemove(member: TeamMember): void;
}

function Who({ member, selfId }: { member: TeamMember; selfId: string | undefined }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
        {member.displayName}
        {member.userId === selfId ? ' (you)' : ''}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        {member.email}
      </Typography>
    </Box>
  );
}

/** A role select for admins (only roles they may hand out), plain text otherwise. */
function RoleCell({ member, actions }: { member: TeamMember; actions: MemberActions | null }) {
  if (!actions || !canManageMember(actions.ownRole, member.role)) return <>{roleLabels[member.role]}</>;
  return (
    <TextField
      select
      size="small"
      value={member.role}
      disabled={actions.isBusy}
      onChange={(e) => actions.onRole(member, e.target.value as Role)}
      slotProps={{ htmlInput: { 'aria-label': `Role of ${member.email}` } }}
      sx={{ minWidth: 200, maxWidth: '100%' }}
    >
      {assignableRoles(actions.ownRole).map((r) => (
        <MenuItem key={r} value={r}>
          {roleLabels[r]}
        </MenuItem>
      ))}
    </TextField>
  );
}

function RemoveButton({ member, actions }: { member: TeamMember; actions: MemberActions | null }) {
  if (!actions || !canManageMember(actions.ownRole, member.role)) return null;
  return (
    <Button
      color="error"
      size="small"
      disabled={actions.isBusy}
      onClick={() => actions.onRemove(member)}
      aria-label={`Remove ${member.email}`}
    >
      Remove
    </Button>
  );
}

/** On a phone one card per person: nothing scrolls sideways at 390 px. */
function MemberCards({
  members,
  actions,
}: {
  members: readonly TeamMember[];
  actions: MemberActions | null;
}) {
  return (
    <Stack component="ul" spacing={1.5} aria-label="Team members" sx={{ listStyle: 'none', m: 0, p: 0 }}>
      {members.map((member) => (
        <Paper component="li" key={member.userId} variant="outlined" sx={{ p: 2 }}>
          <Stack spacing={1.5}>
            <Who member={member} selfId={actions?.selfId} />
            <RoleCell member={member} actions={actions} />
            <Typography variant="body2" color="text.secondary">
              Last sign-in: {member.lastSignInAt ? formatDateTime(member.lastSignInAt) : 'never'}
            </Typography>
            {actions ? (
              <Box>
                <RemoveButton member={member} actions={actions} />
              </Box>
            ) : null}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

function MemberTable({
  members,
  actions,
}: {
  members: readonly TeamMember[];
  actions: MemberActions | null;
}) {
  return (
    <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 2, position: 'relative' }}>
      <Table aria-label="Team members">
        <TableHead>
          <TableRow>
            <TableCell>Member</TableCell>
            <TableCell>Role</TableCell>
            <TableCell>Last sign-in</TableCell>
            {actions ? (
              <TableCell align="right">
                <Box component="span" style={visuallyHidden}>
                  Actions
                </Box>
              </TableCell>
            ) : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {members.map((member) => (
            <TableRow key={member.userId}>
              <TableCell>
                <Who member={member} selfId={actions?.selfId} />
              </TableCell>
              <TableCell>
                <RoleCell member={member} actions={actions} />
              </TableCell>
              <TableCell>{member.lastSignInAt ? formatDateTime(member.lastSignInAt) : 'Never'}</TableCell>
              {actions ? (
                <TableCell align="right">
                  <RemoveButton member={member} actions={actions} />
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
