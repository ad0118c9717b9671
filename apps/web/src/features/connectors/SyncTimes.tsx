import Typography from '@mui/material/Typography';

import { useSyncSettings } from '../../api/sync.api.js';
import type { Connector } from '../../api/types.js';
import { formatDateTimeIn } from '../../lib/format.js';

/**
 * "Last sync … · Next sync …" for a connector's header. The next run is the server's (the chosen
 * time plus this connector's jitter, so 06:00 may read 06:20), shown in the time zone the MSP chose
 * for its schedule and named, so nobody has to guess whose 06:20 it is.
 */
export function SyncTimes({ channelId, connector }: { channelId: string; connector: Connector }) {
  const settings = useSyncSettings(channelId, connector.id);
  const timeZone = settings.data?.policy.timeZone ?? 'UTC';
  const next = connector.isAwaitingFirstReviewedSync
    ? 'Daily sync starts after your first reviewed sync'
    : connector.nextSyncAt
      ? `Next sync ${formatDateTimeIn(connector.nextSyncAt, timeZone)} (${timeZone})`
      : 'Daily sync off';
  return (
    <Typography
      variant="body2"
      color="text.secondary"
      data-testid="connector-sync-times"
      title="Daily syncs start at the chosen time plus a fixed offset per connector (up to 30 minutes), so that many connectors do not call the PSA at once."
    >
      Last sync {formatDateTimeIn(connector.lastSyncAt, timeZone)} · {next}
    </Typography>
  );
}
