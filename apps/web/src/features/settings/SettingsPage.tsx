import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode, type SyntheticEvent } from 'react';

import type { BillingPolicy, StatusBillingMode, SyncSettings } from '../../api/sync-types.js';
import { useSaveSyncSettings, useSyncSettings } from '../../api/sync.api.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDateTime } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { psaLabel } from '../connectors/PsaMark.js';
import { CredentialsSection } from './CredentialsSection.js';
import { NotificationsSection } from './NotificationsSection.js';

const statuses = ['Subscription', 'Trial', 'New', 'Inactive'] as const;
const modeLabels = (psaName: string): Record<StatusBillingMode, string> => ({
  bill: 'Bill counted units',
  skip: `Leave ${psaName} as is`,
  zero: 'Set units to 0',
});

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Paper variant="outlined" sx={{ p: 3 }}>
      <Typography variant="subtitle1" component="h3">
        {title}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2.5 }}>
        {description}
      </Typography>
      {children}
    </Paper>
  );
}

/** Schedule, billing policy and guardrails of one connector. Viewers see them read-only. */
export function SettingsPage() {
  const { channel } = useChannel();
  const { connector } = useConnectorContext();
  const settings = useSyncSettings(channel.id, connector.id);
  if (settings.isPending) return <Skeleton height={320} />;
  if (settings.isError) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <Stack spacing={2.5}>
      <SettingsForm key={connector.id} initial={settings.data} />
      <CredentialsSection />
      <NotificationsSection />
    </Stack>
  );
}

function numberOrNull(text: string): number | null {
  const value = Number(text);
  return text.trim() === '' || !Number.isFinite(value) || value < 0 ? null : Math.trunc(value);
}

function SettingsForm({ initial }: { initial: SyncSettings }) {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const psaName = psaLabel(connector.kind);
  const statusModes = modeLabels(psaName);
  const save = useSaveSyncSettings(channel.id, connector.id);
  const [isScheduleEnabled, setScheduleEnabled] = useState(initial.isScheduleEnabled);
  const [scheduleTime, setScheduleTime] = useState(initial.scheduleTime);
  const [policy, setPolicy] = useState<BillingPolicy>(initial.policy);
  const [maxUnits, setMaxUnits] = useState(initial.policy.guardrails.maxUnitChange?.toString() ?? '');
  const [maxPercent, setMaxPercent] = useState(initial.policy.guardrails.maxPercentChange?.toString() ?? '');
  const [maxDecrease, setMaxDecrease] = useState(
    initial.policy.guardrails.maxPercentDecrease?.toString() ?? '',
  );
  const disabled = !canEdit || save.isPending;

  const body = (startScheduleBeforeFirstSync: boolean) => ({
    isScheduleEnabled,
    scheduleTime,
    ...(startScheduleBeforeFirstSync ? { startScheduleBeforeFirstSync } : {}),
    policy: {
      ...policy,
      guardrails: {
        maxUnitChange: numberOrNull(maxUnits),
        maxPercentChange: numberOrNull(maxPercent),
        maxPercentDecrease: numberOrNull(maxDecrease),
      },
    },
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate(body(false));
  };

  return (
    <Box component="form" onSubmit={submit}>
      <Stack spacing={2.5}>
        <Box>
          <Typography variant="h5" component="h2">
            Settings
          </Typography>
          <Typography color="text.secondary" sx={{ mt: 0.5 }}>
            {initial.updatedAt ? `Last changed ${formatDateTime(initial.updatedAt)}.` : 'Defaults in use.'}
          </Typography>
        </Box>
        {!canEdit ? (
          <Alert severity="info">Your role can view these settings but not change them.</Alert>
        ) : null}
        <Section
          title="Schedule"
          description={`When the daily sync runs. ${psaName} then holds yesterday's counts.`}
        >
          {initial.isAwaitingFirstReviewedSync ? (
            <Alert
              severity="info"
              sx={{ mb: 2 }}
              action={
                canEdit ? (
                  <Button
                    color="inherit"
                    size="small"
                    disabled={disabled}
                    onClick={() => save.mutate(body(true))}
                  >
                    Start daily sync now
                  </Button>
                ) : undefined
              }
            >
              Daily sync starts after your first reviewed sync (Sync page: preview, then apply), so nothing is
              written to {psaName} before you have seen it. You can also start it now.
            </Alert>
          ) : null}
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
            <FormControlLabel
              control={
                <Switch
                  checked={isScheduleEnabled}
                  onChange={(e) => setScheduleEnabled(e.target.checked)}
                  disabled={disabled}
                />
              }
              label="Sync daily"
            />
            <TextField
              label="Time of day"
              type="time"
              size="small"
              value={scheduleTime}
              onChange={(e) => setScheduleTime(e.target.value)}
              disabled={disabled || !isScheduleEnabled}
              slotProps={{ inputLabel: { shrink: true } }}
            />
            <TextField
              label="Time zone"
              size="small"
              value={policy.timeZone}
              onChange={(e) => setPolicy({ ...policy, timeZone: e.target.value })}
              disabled={disabled}
              helperText="IANA name, e.g. America/New_York"
            />
          </Stack>
        </Section>
        <Section
          title="Billing policy"
          description={`What each Coro workspace status puts into ${psaName}, and what happens when a mapping is removed.`}
        >
          <Grid container spacing={2}>
            {statuses.map((status) => (
              <Grid key={status} size={{ xs: 12, sm: 6, md: 3 }}>
                <TextField
                  select
                  fullWidth
                  size="small"
                  label={`${status} workspaces`}
                  value={policy.statusBilling[status]}
                  onChange={(e) =>
                    setPolicy({
                      ...policy,
                      statusBilling: {
                        ...policy.statusBilling,
                        [status]: e.target.value as StatusBillingMode,
                      },
                    })
                  }
                  disabled={disabled}
                >
                  {(Object.keys(statusModes) as StatusBillingMode[]).map((mode) => (
                    <MenuItem key={mode} value={mode}>
                      {statusModes[mode]}
                    </MenuItem>
                  ))}
                </TextField>
              </Grid>
            ))}
            <Grid size={{ xs: 12, md: 6 }}>
              <TextField
                select
                fullWidth
                size="small"
                label="When a workspace or service is unmapped"
                value={policy.onUnmap}
                onChange={(e) =>
                  setPolicy({ ...policy, onUnmap: e.target.value as BillingPolicy['onUnmap'] })
                }
                disabled={disabled}
              >
                <MenuItem value="leave">Leave its units in {psaName}</MenuItem>
                <MenuItem value="zero">Push its units to 0</MenuItem>
              </TextField>
            </Grid>
            <Grid size={{ xs: 12, md: 6 }}>
              <TextField
                select
                fullWidth
                size="small"
                label={`When units were edited by hand in ${psaName}`}
                value={policy.onManualEdit}
                onChange={(e) =>
                  setPolicy({ ...policy, onManualEdit: e.target.value as BillingPolicy['onManualEdit'] })
                }
                disabled={disabled}
              >
                <MenuItem value="hold">Hold the change for approval</MenuItem>
                <MenuItem value="overwrite">Overwrite with Coro&apos;s count</MenuItem>
              </TextField>
            </Grid>
            <Grid size={12}>
              <FormControlLabel
                control={
                  <Switch
                    checked={policy.allowCreateContractService}
                    onChange={(e) => setPolicy({ ...policy, allowCreateContractService: e.target.checked })}
                    disabled={disabled}
                  />
                }
                label="Add the service to the contract when it is missing"
              />
            </Grid>
          </Grid>
        </Section>
        <Section
          title="Guardrails"
          description="Large changes wait for an admin to approve them on the Sync page; the rest apply automatically. Leave empty to turn a limit off."
        >
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
            <TextField
              label="Hold changes above (units)"
              type="number"
              size="small"
              value={maxUnits}
              onChange={(e) => setMaxUnits(e.target.value)}
              disabled={disabled}
              slotProps={{ htmlInput: { min: 0 } }}
            />
            <TextField
              label="Hold decreases above (%)"
              type="number"
              size="small"
              value={maxDecrease}
              onChange={(e) => setMaxDecrease(e.target.value)}
              disabled={disabled}
              slotProps={{ htmlInput: { min: 0 } }}
            />
            <TextField
              label="Hold any change above (%)"
              type="number"
              size="small"
              value={maxPercent}
              onChange={(e) => setMaxPercent(e.target.value)}
              disabled={disabled}
              slotProps={{ htmlInput: { min: 0 } }}
            />
          </Stack>
        </Section>
        {save.isError ? <ErrorAlert error={save.error} title="The settings were not saved" /> : null}
        {save.isSuccess ? <Alert severity="success">Settings saved.</Alert> : null}
        {canEdit ? (
          <Box>
            <Button
              type="submit"
              variant="contained"
              disabled={save.isPending}
              startIcon={save.isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
            >
              Save settings
            </Button>
          </Box>
        ) : null}
      </Stack>
    </Box>
  );
}
