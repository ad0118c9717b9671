import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useRef, useState } from 'react';

import { useChannel } from '../../app/channel-context.js';
import { formatDateTime } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { UpdateCredentialsDialog } from '../connectors/UpdateCredentialsDialog.js';

/**
 * The API user the connector signs in with. It sits outside the settings form: credentials are
 * verified with the PSA and saved on their own, not with the schedule and billing policy.
 */
export function CredentialsSection() {
  const { canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const [isOpen, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<string>('');
  const button = useRef<HTMLButtonElement>(null);
  return (
    <Paper variant="outlined" sx={{ p: 3 }} component="section" aria-labelledby="credentials-title">
      <Typography variant="subtitle1" component="h3" id="credentials-title">
        Credentials
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        API user {connector.username}
        {connector.lastVerifiedAt ? `, last verified ${formatDateTime(connector.lastVerifiedAt)}` : ''}.
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        {canEdit ? (
          <Button ref={button} variant="outlined" onClick={() => setOpen(true)}>
            Update credentials
          </Button>
        ) : null}
        <Typography role="status" variant="body2" color="success.dark">
          {outcome}
        </Typography>
      </Stack>
      {isOpen ? (
        <UpdateCredentialsDialog
          connector={connector}
          onClose={(result) => {
            setOpen(false);
            if (result === 'updated') setOutcome('Credentials updated and verified.');
            button.current?.focus();
          }}
        />
      ) : null}
    </Paper>
  );
}
