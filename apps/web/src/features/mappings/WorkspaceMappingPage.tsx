import PushPinIcon from '@mui/icons-material/PushPin';
import FactCheckIcon from '@mui/icons-material/FactCheck';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Paper from '@mui/material/Paper';
import Snackbar from '@mui/material/Snackbar';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMemo, useState, type ReactNode } from 'react';

import { lookupKey, useCompanySearch, useEnsureLookups, useRefreshLookups } from '../../api/lookups.api.js';
import {
  useMapWorkspace,
  useRunContractCheck,
  useSuggestions,
  useUnmapWorkspace,
  useWorkspaceMappings,
} from '../../api/mappings.api.js';
import type { WorkspaceMappingItem, WorkspaceMappingQuery } from '../../api/types.js';
import { useChannel } from '../../app/channel-context.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { MappingTable } from '../../components/MappingTable.js';
import {
  defaultMappingQuery,
  type MappingQuery,
  type MappingRowStatus,
  type MappingTableRow,
} from '../../components/mapping-table.model.js';
import { plural } from '../../lib/format.js';
import { useConnectorContext } from '../connectors/ConnectorLayout.js';
import { psaLabel } from '../connectors/PsaMark.js';
import { AutoMapReview } from './AutoMapReview.js';
import { LookupRefreshButtons } from './LookupRefreshButtons.js';
import { PinContractDialog } from './PinContractDialog.js';

const sortToServer = { subject: 'workspace', target: 'company', status: 'status' } as const;

/**
 * The row's status: not mapped, the company's state, then the contract check with its advice.
 * `pinAction` is the control offered where the advice is to pin the contract (or one is pinned).
 */
export function workspaceStatus(
  item: WorkspaceMappingItem,
  psaName: string,
  pinAction?: ReactNode,
): MappingRowStatus {
  const mapping = item.mapping;
  if (!mapping) return { tone: 'default', label: 'Not mapped' };
  if (!mapping.isCompanyPresent) {
    return {
      tone: 'error',
      label: 'Company deleted',
      message: `The ${psaName} company no longer exists.`,
      advice: 'Map this workspace to another company.',
    };
  }
  const check = mapping.check;
  if (!check) return { tone: 'info', label: 'Mapped', message: 'Contract not checked yet.' };
  const action = check.status === 'ambiguous' || check.isPinned ? pinAction : undefined;
  switch (check.status) {
    case 'ok':
      return {
        tone: 'success',
        label: 'Contract OK',
        message: check.contractName
          ? `Contract: ${check.contractName}${check.isPinned ? ' (pinned)' : ''}`
          : null,
        action,
      };
    case 'no_contract':
      return { tone: 'warning', label: 'No contract', message: check.message, advice: check.advice, action };
    case 'service_missing':
      return {
        tone: 'warning',
        label: 'Service missing',
        message: check.message,
        advice: check.advice,
        action,
      };
    case 'ambiguous':
      return {
        tone: 'warning',
        label: 'Ambiguous contract',
        message: check.message,
        advice: check.advice,
        action,
      };
    case 'inactive_company':
      return {
        tone: 'warning',
        label: 'Inactive company',
        message: check.message,
        advice: check.advice,
        action,
      };
  }
}

/** Workspace mapping: each Coro child workspace of the channel → a PSA company. */
export function WorkspaceMappingPage() {
  const { channel, canEdit } = useChannel();
  const { connector } = useConnectorContext();
  const psaName = psaLabel(connector.kind);
  const [query, setQuery] = useState<MappingQuery>(defaultMappingQuery);
  const [rowError, setRowError] = useState<{ rowId: string; error: unknown } | null>(null);
  const [pendingRowId, setPendingRowId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const [refreshResult, setRefreshResult] = useState<string | null>(null);
  const [pinning, setPinning] = useState<{ id: string; name: string } | null>(null);

  const serverQuery: WorkspaceMappingQuery = {
    filter: query.filter,
    q: query.q || undefined,
    sort: sortToServer[query.sort],
    order: query.order,
    limit: query.pageSize,
    offset: query.page * query.pageSize,
  };
  const page = useWorkspaceMappings(channel.id, connector.id, serverQuery);
  const unmappedOnPage = useMemo(
    () => (page.data?.items ?? []).filter((item) => !item.mapping).map((item) => item.workspaceId),
    [page.data],
  );
  const suggestions = useSuggestions(channel.id, connector.id, unmappedOnPage, canEdit);
  const search = useCompanySearch(channel.id, connector.id, psaName);
  const map = useMapWorkspace(channel.id, connector.id);
  const unmap = useUnmapWorkspace(channel.id, connector.id);
  const check = useRunContractCheck(channel.id, connector.id);
  const refresh = useRefreshLookups(channel.id, connector.id);
  const firstRead = useEnsureLookups(channel.id, connector, canEdit);

  const suggestionByWorkspace = useMemo(() => {
    const byId = new Map<string, { id: string; name: string; score: number }>();
    for (const item of suggestions.data?.items ?? []) {
      const best = item.candidates[0];
      if (best) byId.set(item.workspaceId, { id: best.companyId, name: best.companyName, score: best.score });
    }
    return byId;
  }, [suggestions.data]);

  const rows: MappingTableRow[] = useMemo(
    () =>
      (page.data?.items ?? []).map((item) => ({
        id: item.workspaceId,
        name: item.workspaceName,
        tag: item.workspaceStatus && item.workspaceStatus !== 'Subscription' ? item.workspaceStatus : null,
        target: item.mapping
          ? {
              id: item.mapping.companyId,
              name: item.mapping.companyName,
            }
          : null,
        status: workspaceStatus(
          item,
          psaName,
          canEdit ? (
            <Button
              size="small"
              startIcon={<PushPinIcon />}
              onClick={() => setPinning({ id: item.workspaceId, name: item.workspaceName })}
              aria-label={`Pin the contract for ${item.workspaceName}`}
            >
              {/* The visible words are part of the accessible name (WCAG 2.5.3). */}
              Pin the contract
            </Button>
          ) : undefined,
        ),
        suggestion: item.mapping ? null : (suggestionByWorkspace.get(item.workspaceId) ?? null),
      })),
    [page.data, suggestionByWorkspace, canEdit, psaName],
  );

  const doMap = (row: MappingTableRow, company: { id: string; name: string }) => {
    setPendingRowId(row.id);
    setRowError(null);
    setAnnouncement(null);
    map.mutate(
      { workspaceId: row.id, companyId: company.id },
      {
        onSuccess: () => setAnnouncement(`Mapped ${row.name} to ${company.name}`),
        onError: (error) => {
          setRowError({ rowId: row.id, error });
          setAnnouncement(`Mapping ${row.name} failed`);
        },
        onSettled: () => setPendingRowId(null),
      },
    );
  };
  const doUnmap = (row: MappingTableRow) => {
    setAnnouncement(null);
    unmap.mutate(row.id, {
      onSuccess: () => setAnnouncement(`Unmapped ${row.name}`),
      onError: () => setAnnouncement(`Unmapping ${row.name} failed`),
    });
  };

  const counts = page.data?.counts;

  return (
    <Stack spacing={2.5}>
      <Stack spacing={1.5}>
        <Box>
          <Typography variant="h5" component="h2">
            Workspace mapping
          </Typography>
          <Typography color="text.secondary" sx={{ mt: 0.5, maxWidth: 720 }}>
            Link each Coro child workspace of {channel.displayName} to its {psaName} company. Keep it one to
            one: each company should hold one recurring-service contract with each Coro service once.
          </Typography>
        </Box>
        {canEdit ? (
          <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
            <LookupRefreshButtons psaName={psaName} refresh={refresh} onNotice={setRefreshResult} />
            <Button
              variant="outlined"
              startIcon={check.isPending ? <CircularProgress size={16} /> : <FactCheckIcon />}
              onClick={() =>
                check.mutate(undefined, {
                  onSuccess: (summary) =>
                    setNotice(
                      `Checked ${plural(summary.checked, 'contract')}: ${summary.byStatus.ok} OK, ${
                        summary.checked - summary.byStatus.ok
                      } with problems.`,
                    ),
                })
              }
              disabled={check.isPending}
            >
              Check contracts
            </Button>
            <AutoMapReview
              channelId={channel.id}
              connectorId={connector.id}
              psaName={psaName}
              onNotice={setNotice}
            />
          </Stack>
        ) : null}
      </Stack>
      {firstRead.isPending ? (
        <Alert severity="info" icon={<CircularProgress size={18} />}>
          Reading companies and services from {psaName} for the first time…
        </Alert>
      ) : null}
      {firstRead.isError ? (
        <ErrorAlert error={firstRead.error} title={`Reading from ${psaName} failed`} />
      ) : null}
      {check.isError ? <ErrorAlert error={check.error} title="The contract check failed" /> : null}
      {refreshResult && !refresh.isPending ? (
        <Alert severity="success" onClose={() => setRefreshResult(null)}>
          {refreshResult}
        </Alert>
      ) : null}
      {refresh.isError ? <ErrorAlert error={refresh.error} title={`Reading from ${psaName} failed`} /> : null}
      {unmap.isError ? <ErrorAlert error={unmap.error} title="Unmapping failed" /> : null}
      {counts && counts.problems > 0 ? (
        <Alert
          severity="warning"
          action={
            query.filter !== 'problems' ? (
              <Button
                color="inherit"
                size="small"
                onClick={() => setQuery({ ...query, filter: 'problems', page: 0 })}
              >
                Show
              </Button>
            ) : undefined
          }
        >
          {plural(counts.problems, 'mapped workspace')} cannot be billed as things stand. Each row says what
          to fix in {psaName}.
        </Alert>
      ) : null}
      <Paper variant="outlined" sx={{ p: { xs: 1.5, md: 2.5 } }}>
        {page.isError ? (
          <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
        ) : (
          <MappingTable
            subjectLabel="Coro workspace"
            targetLabel={`${psaName} Company`}
            psaName={psaName}
            subjectPlural="workspaces"
            rows={rows}
            total={page.data?.total ?? 0}
            counts={counts}
            query={query}
            onQueryChange={setQuery}
            search={search}
            searchKey={lookupKey(connector.id, 'companies')}
            onMap={doMap}
            onUnmap={doUnmap}
            onConfirmSuggestion={(row) => row.suggestion && doMap(row, row.suggestion)}
            announcement={announcement}
            pendingRowId={pendingRowId}
            rowError={rowError}
            isLoading={page.isFetching}
            readOnly={!canEdit}
          />
        )}
      </Paper>
      <PinContractDialog
        channelId={channel.id}
        connectorId={connector.id}
        psaName={psaName}
        workspace={pinning}
        onClose={() => setPinning(null)}
        onPinned={setNotice}
      />
      <Snackbar
        open={notice !== null}
        autoHideDuration={6000}
        onClose={() => setNotice(null)}
        message={notice}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      />
    </Stack>
  );
}
