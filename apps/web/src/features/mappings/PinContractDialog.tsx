import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';

import { useCompanyContracts, usePinContract } from '../../api/mappings.api.js';
import type { CompanyContractList } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';

/**
 * Pins the contract the sync must use for a mapped company, picked from the company's contracts
 * in the PSA (read when the dialog opens), or removes the pin.
 */
export function PinContractDialog({
  channelId,
  connectorId,
  psaName,
  workspace,
  onClose,
  onPinned,
}: {
  channelId: string;
  connectorId: string;
  /** The connector's PSA as its users know it (`psaLabel(kind)`). */
  psaName: string;
  /** The row to pin for; null keeps the dialog closed. */
  workspace: { id: string; name: string } | null;
  onClose: () => void;
  onPinned: (message: string) => void;
}) {
  const titleId = useId();
  const contracts = useCompanyContracts(channelId, connectorId, workspace?.id ?? null);
  const pin = usePinContract(channelId, connectorId);
  const close = () => {
    pin.reset();
    onClose();
  };
  const save = (contractId: string | null, name: string | null) => {
    if (!workspace) return;
    pin.mutate(
      { workspaceId: workspace.id, contractId },
      {
        onSuccess: () => {
          onPinned(
            name ? `Pinned "${name}" for ${workspace.name}.` : `Removed the pin for ${workspace.name}.`,
          );
          close();
        },
      },
    );
  };
  return (
    <Dialog
      open={workspace !== null}
      onClose={pin.isPending ? undefined : close}
      aria-labelledby={titleId}
      fullWidth
    >
      <DialogTitle id={titleId}>Pin the contract for {workspace?.name}</DialogTitle>
      {contracts.data && workspace ? (
        <ContractChoice
          key={workspace.id}
          list={contracts.data}
          psaName={psaName}
          isPending={pin.isPending}
          error={pin.error}
          onSave={save}
          onCancel={close}
        />
      ) : (
        <>
          <DialogContent>
            {contracts.isError ? (
              <ErrorAlert error={contracts.error} title="The contracts could not be read" />
            ) : (
              <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
                <CircularProgress size={20} />
                <Typography>Reading the company&apos;s contracts from {psaName}…</Typography>
              </Stack>
            )}
          </DialogContent>
          <DialogActions sx={{ px: 3, pb: 2 }}>
            <Button onClick={close}>Cancel</Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}

function ContractChoice({
  list,
  psaName,
  isPending,
  error,
  onSave,
  onCancel,
}: {
  list: CompanyContractList;
  psaName: string;
  isPending: boolean;
  error: unknown;
  onSave: (contractId: string | null, name: string | null) => void;
  onCancel: () => void;
}) {
  const [choice, setChoice] = useState(list.pinnedContractId ?? list.items[0]?.id ?? '');
  const chosen = list.items.find((c) => c.id === choice);
  const labelId = useId();
  return (
    <>
      <DialogContent dividers>
        {list.items.length === 0 ? (
          <Typography>This company has no contract in {psaName}.</Typography>
        ) : (
          <>
            <Typography id={labelId} sx={{ mb: 1 }}>
              The sync adjusts units on the pinned contract only, whatever other contracts the company has.
            </Typography>
            <RadioGroup aria-labelledby={labelId} value={choice} onChange={(e) => setChoice(e.target.value)}>
              {list.items.map((c) => (
                <FormControlLabel
                  key={c.id}
                  value={c.id}
                  control={<Radio />}
                  sx={{ alignItems: 'flex-start', mb: 1, '& .MuiRadio-root': { mt: -0.75 } }}
                  label={
                    <span>
                      <Typography component="span" sx={{ display: 'block', overflowWrap: 'anywhere' }}>
                        {c.name}
                        {c.id === list.pinnedContractId ? ' (pinned)' : ''}
                      </Typography>
                      <Typography component="span" variant="caption" color="text.secondary">
                        {c.startDate.slice(0, 10)} – {c.endDate.slice(0, 10)} ·{' '}
                        {c.isActive ? 'active' : 'inactive'}
                        {c.isRecurringService ? ' · recurring service' : ''}
                      </Typography>
                    </span>
                  }
                />
              ))}
            </RadioGroup>
          </>
        )}
        {error ? <ErrorAlert error={error} title="Pinning failed" /> : null}
      </DialogContent>
      <DialogActions sx={{ px: 3, py: 2, flexWrap: 'wrap', rowGap: 1 }}>
        {list.pinnedContractId ? (
          <Button color="error" onClick={() => onSave(null, null)} disabled={isPending}>
            Remove pin
          </Button>
        ) : null}
        <Button onClick={onCancel} disabled={isPending}>
          Cancel
        </Button>
        <Button
          variant="contained"
          onClick={() => onSave(choice, chosen?.name ?? null)}
          disabled={isPending || !chosen || choice === list.pinnedContractId}
          startIcon={isPending ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Pin contract
        </Button>
      </DialogActions>
    </>
  );
}
