import Typography from '@mui/material/Typography';

import type { Connector } from '../../api/types.js';
import { describeNextSync, formatDateTime } from '../../lib/format.js';

/**
 * "Last sync … · Next sync …" for a connector's header. The next run is the server's (the chosen
 * time plus this connector's spread, so 06:00 may read 06:20), shown in the time zone the MSP chose
 * for its schedule and named, so nobody has to guess whose 06:20 it is; the title says why.
 */
export function SyncTimes({ connector }: { connector: Connector }) {
  const { schedule } = connector;
  const timeZone = schedule?.timeZone ?? 'UTC';
  const { when, why } = describeNextSync(connector.nextSyncAt, schedule);
  const next = connector.isAwaitingFirstReviewedSync
    ? 'Daily sync starts after your first reviewed sync'
    : connector.nextSyncAt
      ? `Next sync ${when} (${timeZone})`
      : 'Daily sync off';
  return (
    <Typography
      variant="body2"
      color="text.secondary"
      data-testid="connector-sync-times"
      title={
        why === null
          ? undefined
          : `${why[0]?.toUpperCase() ?? ''}${why.slice(1)}: each connector starts at its own offset (up to 30 minutes), so that many connectors do not call the PSA at once.`
      }
    >
      Last sync {formatDateTime(connector.lastSyncAt, schedule?.timeZone)} · {next}
    </Typography>
  );
}
