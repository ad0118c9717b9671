import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { SyncRun } from '../../api/sync-types.js';
import type { UndoLine, UndoPreview } from '../../api/undo.api.js';
import { UndoRunDialog } from './UndoRunDialog.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const run = { id: '0190a4c2-0000-7000-8000-00000000000a', effectiveDate: '2026-11-27' } as SyncRun;
const line = (lineId: string, patch: Partial<UndoLine>): UndoLine => ({
  lineId,
  workspaceName: 'Acme Corporation',
  serviceName: 'Coro EDR',
  contractName: 'Managed Security',
  decision: 'reversal',
  appliedUnits: 42,
  currentUnits: 42,
  undoUnits: 30,
  delta: -12,
  isIncluded: true,
  appliedDate: '2026-11-27',
  message: '',
  ...patch,
});
const preview: UndoPreview = {
  runId: run.id,
  psaName: 'Autotask',
  lines: [
    line('0190a4c2-0000-7000-8000-000000000001', {}),
    line('0190a4c2-0000-7000-8000-000000000002', {
      workspaceName: 'Blue Harbor Logistics',
      appliedUnits: 5,
      currentUnits: 5,
      undoUnits: 8,
      delta: 3,
    }),
    line('0190a4c2-0000-7000-8000-000000000003', {
      workspaceName: 'Cedar Ridge Dental',
      decision: 'conflict',
      appliedUnits: 20,
      currentUnits: 25,
      undoUnits: 10,
      delta: 0,
      isIncluded: false,
    }),
  ],
  counts: {
    reversals: 2,
    conflicts: 1,
    conflictsIncluded: 0,
    unitsUp: 3,
    unitsDown: 12,
    settled: 0,
    unreadable: 0,
  },
};

/** The server's answers; every request body is kept to check what the dialog sent. */
function serve(answer: UndoPreview = preview): { url: string; body: unknown }[] {
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({ url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    const body = url.endsWith('/undo-preview') ? answer : { runId: 'undo-run', undoOfRunId: run.id };
    return Promise.resolve(
      new Response(JSON.stringify(body), {
        status: url.endsWith('/undo') ? 202 : 200,
        headers: { 'content-type': 'application/json' },
      }),
    );
  });
  return sent;
}

function renderDialog(onStarted: (id: string) => void): void {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <UndoRunDialog
        channelId="ch"
        connectorId="co"
        run={run}
        onClose={() => undefined}
        onStarted={onStarted}
      />
    </QueryClientProvider>,
  );
}

describe('UndoRunDialog', () => {
  it('lists reversals and conflicts with both numbers, and includes a conflict only when ticked', async () => {
    const sent = serve();
    const onStarted = vi.fn();
    renderDialog(onStarted);
    const dialog = await screen.findByRole('dialog', { name: 'Undo the sync of Nov 27, 2026' });
    await within(dialog).findByText(
      /2 changes to write: units up 3, down 12\. 1 conflict: changed in Autotask/,
    );
    const conflictRow = within(dialog).getByText('Cedar Ridge Dental').closest('tr');
    if (!conflictRow) throw new Error('no conflict row');
    // Run set 20, now 25 (edited since), undo would set 10; nothing until included.
    expect(
      within(conflictRow)
        .getAllByRole('cell')
        .map((c) => c.textContent)
        .slice(2),
    ).toStrictEqual(['20', '25', '10', '0']);

    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Include Cedar Ridge Dental Coro EDR' }));
    expect(within(dialog).getByText(/3 changes to write: units up 3, down 27\./)).toBeTruthy();
    expect(within(conflictRow).getAllByRole('cell')[5]?.textContent).toBe('−15');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Undo 3 changes' }));

    await waitFor(() => expect(onStarted).toHaveBeenCalledWith('undo-run'));
    expect(sent.at(-1)).toStrictEqual({
      url: `/api/channels/ch/connectors/co/sync/runs/${run.id}/undo`,
      body: { includeConflicts: ['0190a4c2-0000-7000-8000-000000000003'] },
    });
  });

  it('names the PSA only by the label the server sends (no PSA of its own in the text)', async () => {
    serve({ ...preview, psaName: 'ConnectWise PSA' });
    renderDialog(() => undefined);
    const dialog = await screen.findByRole('dialog', { name: 'Undo the sync of Nov 27, 2026' });
    await within(dialog).findByText(/1 conflict: changed in ConnectWise PSA since the run/);
    expect(dialog.textContent).toMatch(/one change per line in ConnectWise PSA/);
    expect(dialog.textContent).not.toMatch(/autotask|adjustment/i);
  });
});
