import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Outlet, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { SyncLine, SyncRun } from '../../api/sync-types.js';
import type { Connector } from '../../api/types.js';
import { ChannelContext, type ChannelContextValue } from '../../app/channel-context.js';
import { RunLines } from './SyncRunLines.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const run = {
  id: '0190a4c2-0000-7000-8000-00000000000a',
  mode: 'dry-run',
  effectiveDate: '2026-12-03',
} as SyncRun;
let seq = 0;
const line = (patch: Partial<SyncLine>): SyncLine => ({
  id: `0190a4c2-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
  seq,
  workspaceId: `ws-${seq}`,
  workspaceName: 'Acme Corporation',
  serviceKey: 'edr',
  serviceName: 'Coro EDR',
  companyId: '1',
  contractId: '10',
  contractName: 'Managed Security',
  kind: 'adjust',
  problem: null,
  holdReason: null,
  skipReason: null,
  currentUnits: 30,
  targetUnits: 42,
  delta: 12,
  lastConfirmedUnits: 30,
  effectiveDate: '2026-12-03',
  isDeferred: false,
  status: 'planned',
  message: 'Units go from 30 to 42.',
  advice: null,
  detail: null,
  approvedBy: null,
  approvedAt: null,
  unitPrice: null,
  ...patch,
});
const lines = [
  line({}),
  line({
    workspaceName: 'Blue Harbor Logistics',
    kind: 'held',
    status: 'held',
    currentUnits: 100,
    targetUnits: 20,
    delta: -80,
    message: 'Held: more than 50% fewer units.',
    advice: 'Approve it if the drop is real.',
  }),
  line({ workspaceName: 'Cedar Ridge Dental', kind: 'unchanged', status: 'none', delta: 0, targetUnits: 30 }),
  line({
    workspaceName: 'Glacier Bay Fisheries',
    kind: 'problem',
    status: 'none',
    currentUnits: null,
    targetUnits: null,
    delta: null,
    message: 'Glacier Bay Fisheries has no active contract.',
  }),
];

/**
 * A viewport `width` px wide as MUI's `useMediaQuery` reads it (jsdom has no layout): the
 * `(max-width: …)` queries match below that width.
 */
function atWidth(width: number): void {
  vi.stubGlobal('matchMedia', (query: string) => {
    const max = /max-width:\s*([\d.]+)px/.exec(query);
    const min = /min-width:\s*([\d.]+)px/.exec(query);
    const matches = (!max || width <= Number(max[1])) && (!min || width >= Number(min[1]));
    return {
      matches,
      media: query,
      onchange: null,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      addListener: () => undefined,
      removeListener: () => undefined,
      dispatchEvent: () => false,
    };
  });
}

/** The server's answers at the fetch boundary; every request is kept. */
function serve(): { url: string; body: unknown }[] {
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    sent.push({ url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    return Promise.resolve(
      new Response(JSON.stringify({ approved: 1 }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
    );
  });
  return sent;
}

function renderLines(canEdit = true): void {
  const channel = { channel: { id: 'ch' }, canEdit } as unknown as ChannelContextValue;
  const connector = { id: 'co', kind: 'autotask' } as Connector;
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ChannelContext.Provider value={channel}>
        <MemoryRouter>
          <Routes>
            <Route element={<Outlet context={{ connector }} />}>
              <Route
                path="*"
                element={
                  <RunLines
                    run={run}
                    heldImpact={undefined}
                    since={null}
                    lines={lines}
                    total={lines.length}
                    isLoading={false}
                    filter="all"
                    onFilterChange={() => undefined}
                    page={0}
                    onPageChange={() => undefined}
                  />
                }
              />
            </Route>
          </Routes>
        </MemoryRouter>
      </ChannelContext.Provider>
    </QueryClientProvider>,
  );
}

describe('RunLines', () => {
  it('is a table with a Contract column on a wide screen', () => {
    atWidth(1440);
    serve();
    renderLines();
    const table = screen.getByRole('table', { name: 'Preview' });
    expect(within(table).getByRole('columnheader', { name: 'Contract' })).toBeTruthy();
    expect(within(table).getAllByRole('row')).toHaveLength(1 + lines.length);
    expect(within(table).getByRole('rowheader', { name: 'Blue Harbor Logistics' })).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Preview' })).toBeNull();
  });

  it('is one card per line at 390 px, with the same names for its controls', async () => {
    atWidth(390);
    const sent = serve();
    renderLines();
    expect(screen.queryByRole('table')).toBeNull();
    const cards = within(screen.getByRole('list', { name: 'Preview' })).getAllByRole('listitem');
    expect(cards).toHaveLength(lines.length);

    const [change, held, unchanged, problem] = cards as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(change.textContent).toContain('Acme Corporation');
    expect(change.textContent).toContain('Coro EDR');
    // Seen: "30 → 42" and "+12"; heard: "Current 30, new 42", "Delta +12".
    expect(change.textContent).toMatch(/Current 30 → .*new 42/);
    expect(change.textContent).toContain('Delta +12');
    expect(within(change).getByText('Planned')).toBeTruthy();
    expect(
      within(change).getByRole('button', { name: 'Members behind Acme Corporation Coro EDR: who changed?' }),
    ).toBeTruthy();
    expect(held.textContent).toMatch(/Current 100 → .*new 20/);
    expect(held.textContent).toContain('Delta −80');
    expect(within(held).getByText('Held')).toBeTruthy();
    expect(within(held).getByText('Approve it if the drop is real.')).toBeTruthy();
    expect(within(unchanged).queryByRole('button')).toBeNull();
    expect(within(unchanged).queryByRole('checkbox')).toBeNull();
    // No units to show: no "— → —", the message says why.
    expect(problem.textContent).not.toContain('Current');
    expect(within(problem).getByText('Problem')).toBeTruthy();
    expect(within(problem).getByText('Glacier Bay Fisheries has no active contract.')).toBeTruthy();

    // Approving a held line works the same as in the table.
    const approveButton = screen.getByRole('button', { name: 'Approve held changes' });
    expect(approveButton).toHaveProperty('disabled', true);
    fireEvent.click(within(held).getByRole('checkbox', { name: 'Approve Blue Harbor Logistics Coro EDR' }));
    expect(screen.getByRole('checkbox', { name: 'Select every held change on this page' })).toHaveProperty(
      'checked',
      true,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Approve 1 held change' }));
    await waitFor(() => expect(sent.some((s) => s.url.includes(run.id))).toBe(true));
    expect(sent.find((s) => s.url.includes(run.id))?.body).toEqual({ lineIds: [lines[1]?.id] });

    // "Who changed?" opens the members behind the line.
    fireEvent.click(
      within(change).getByRole('button', { name: 'Members behind Acme Corporation Coro EDR: who changed?' }),
    );
    expect(await screen.findByRole('dialog')).toBeTruthy();
  });

  it('offers no approval to a viewer on a phone', () => {
    atWidth(390);
    serve();
    renderLines(false);
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.getAllByRole('button', { name: /^Members behind / })).toHaveLength(2);
  });
});
