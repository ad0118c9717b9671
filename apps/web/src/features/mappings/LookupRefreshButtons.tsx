import CloudSyncIcon from '@mui/icons-material/CloudSync';
import RefreshIcon from '@mui/icons-material/Refresh';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import type { UseMutationResult } from '@tanstack/react-query';

import type { RefreshLookupsResult } from '../../api/types.js';
import { plural } from '../../lib/format.js';

type RefreshMutation = UseMutationResult<RefreshLookupsResult, Error, { full?: boolean } | undefined>;

/** What a refresh did, and what to do about companies the PSA no longer has. */
export function refreshOutcome(result: RefreshLookupsResult, psaName: string): string {
  const { companies, services } = result;
  const read =
    companies.mode === 'full'
      ? `Full reload from ${psaName}: ${plural(companies.total, 'company', 'companies')} and ${plural(
          services.upserted,
          'service',
        )} read.`
      : `Refreshed changes from ${psaName}: ${plural(companies.upserted, 'changed company', 'changed companies')}, ${plural(
          services.upserted,
          'service',
        )}.`;
  const gone = companies.missing + services.missing;
  if (gone === 0) return read;
  return `${read} ${plural(gone, 'entry', 'entries')} no longer in ${psaName}: kept for their mappings and hidden from search; the Problems tab shows the workspaces to map again.`;
}

/**
 * "Refresh changes" reads only what changed since last time (quick, the usual case); "Full reload"
 * re-reads everything and notices companies deleted in the PSA (slower on large PSAs).
 */
export function LookupRefreshButtons({
  psaName,
  refresh,
  onNotice,
}: {
  psaName: string;
  refresh: RefreshMutation;
  onNotice: (text: string) => void;
}) {
  const running = refresh.isPending ? (refresh.variables?.full ? 'full' : 'changes') : null;
  // aria-disabled, not disabled, while one runs: a disabled button drops the keyboard focus to the body.
  const run = (full: boolean) =>
    running === null &&
    refresh.mutate(full ? { full: true } : undefined, {
      onSuccess: (result) => onNotice(refreshOutcome(result, psaName)),
    });
  return (
    <>
      <Button
        variant="outlined"
        startIcon={running === 'changes' ? <CircularProgress size={16} /> : <RefreshIcon />}
        onClick={() => run(false)}
        aria-disabled={running !== null || undefined}
      >
        {running === 'changes' ? `Refreshing from ${psaName}…` : `Refresh changes from ${psaName}`}
      </Button>
      <Button
        variant="outlined"
        startIcon={running === 'full' ? <CircularProgress size={16} /> : <CloudSyncIcon />}
        onClick={() => run(true)}
        aria-disabled={running !== null || undefined}
      >
        {running === 'full' ? `Reloading from ${psaName}…` : `Full reload from ${psaName}`}
      </Button>
    </>
  );
}
