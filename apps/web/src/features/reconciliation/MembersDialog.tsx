import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';

import { useLineMembers } from '../../api/reconciliation.api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDate, plural } from '../../lib/format.js';

export interface MembersLine {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly day: string;
  /** Show who joined or left since this day (the members that explain a delta). */
  readonly since: string | null;
}

/** Drill-down of one line: the devices or users in its count on a day, and the changes since. */
export function MembersDialog({ line, onClose }: { line: MembersLine | null; onClose: () => void }) {
  return (
    <Dialog open={line !== null} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="members-title">
      {line ? <MembersContent key={`${line.workspaceId}|${line.serviceKey}`} line={line} /> : null}
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

function MembersContent({ line }: { line: MembersLine }) {
  const [day, setDay] = useState(line.day);
  const [since, setSince] = useState(line.since ?? '');
  const members = useLineMembers({
    workspaceId: line.workspaceId,
    serviceKey: line.serviceKey,
    day,
    since: since === '' ? null : since,
  });
  const data = members.data;
  const noun = data?.kind === 'user' ? 'user' : 'device';
  return (
    <>
      <DialogTitle id="members-title">
        {line.workspaceName} · {line.serviceName}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Stack direction="row" spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Members on"
              type="date"
              size="small"
              value={day}
              onChange={(e) => setDay(e.target.value)}
              slotProps={{ inputLabel: { shrink: true } }}
            />
            <TextField
              label="Changes since"
              type="date"
              size="small"
              value={since}
              onChange={(e) => setSince(e.target.value)}
              slotProps={{ inputLabel: { shrink: true } }}
            />
          </Stack>
          {members.error ? <ErrorAlert error={members.error} /> : null}
          {data ? (
            <>
              {data.count !== null && data.count !== data.members.length ? (
                <Alert severity="info">
                  The count on {formatDate(data.day)} is {data.count}; the exporter reported{' '}
                  {plural(data.members.length, noun)} for it.
                </Alert>
              ) : null}
              {data.since ? (
                <section aria-label="Changes">
                  <Typography variant="subtitle2">
                    Changes since {formatDate(data.since)}: {plural(data.changes.length, 'change')}
                  </Typography>
                  <List dense>
                    {data.changes.map((c) => (
                      <ListItem key={`${c.id}-${c.change}`} disableGutters>
                        <Chip
                          size="small"
                          label={c.change === 'added' ? 'Added' : 'Removed'}
                          color={c.change === 'added' ? 'success' : 'error'}
                          variant="outlined"
                          sx={{ mr: 1 }}
                        />
                        <ListItemText
                          primary={c.label || c.id}
                          secondary={`${c.id} · ${formatDate(c.day)}`}
                        />
                      </ListItem>
                    ))}
                  </List>
                </section>
              ) : null}
              <section aria-label="Members">
                <Typography variant="subtitle2">
                  {plural(data.members.length, noun)} on {formatDate(data.day)}
                </Typography>
                <List dense sx={{ maxHeight: 280, overflow: 'auto' }}>
                  {data.members.map((m) => (
                    <ListItem key={m.id} disableGutters>
                      <ListItemText primary={m.label || m.id} secondary={m.id} />
                    </ListItem>
                  ))}
                </List>
              </section>
            </>
          ) : (
            <Typography color="text.secondary">Loading…</Typography>
          )}
        </Stack>
      </DialogContent>
    </>
  );
}
