import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useMemo, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { ApiError } from '../api/client.js';
import type { PickerPage } from './AsyncEntityPicker.js';
import { MappingTable } from './MappingTable.js';
import { defaultMappingQuery, type MappingQuery, type MappingTableRow } from './mapping-table.model.js';

afterEach(cleanup);

interface Workspace {
  id: string;
  name: string;
  companyId: string | null;
  suggestion?: { id: string; name: string; score: number };
}

const companies = [
  { id: 'c1', name: 'Acme Corporation' },
  { id: 'c2', name: 'Blue Harbor Logistics' },
  { id: 'c3', name: 'Evergreen Law Group LLP' },
  { id: 'c4', name: 'Harborview Medical Center' },
];

/**
 * A working stand-in for the mapping API: holds the mappings, answers paged/filtered/sorted
 * queries, rejects a company that is already mapped (as the server does), and searches companies.
 */
function Console({
  initial,
  readOnly = false,
  pageSize = 50,
  log = [],
  isHeldDisabled = false,
  psaName = 'Autotask',
}: {
  initial: Workspace[];
  readOnly?: boolean;
  pageSize?: number;
  log?: string[];
  /** As the console's company search does: a company another workspace holds is not selectable. */
  isHeldDisabled?: boolean;
  psaName?: string;
}) {
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const [workspaces, setWorkspaces] = useState(initial);
  const [query, setQuery] = useState<MappingQuery>({ ...defaultMappingQuery, pageSize });
  const [rowError, setRowError] = useState<{ rowId: string; error: unknown } | null>(null);
  const companyName = (id: string | null) => companies.find((c) => c.id === id)?.name ?? null;

  const toRow = (w: Workspace): MappingTableRow => ({
    id: w.id,
    name: w.name,
    target: w.companyId ? { id: w.companyId, name: companyName(w.companyId) ?? '?' } : null,
    status: w.companyId
      ? { tone: 'success', label: 'Contract OK' }
      : { tone: 'default', label: 'Not mapped' },
    suggestion: w.companyId ? null : (w.suggestion ?? null),
  });

  const { rows, total } = useMemo(() => {
    let list = workspaces.filter((w) => w.name.toLowerCase().includes(query.q.toLowerCase()));
    if (query.filter === 'mapped') list = list.filter((w) => w.companyId);
    if (query.filter === 'unmapped') list = list.filter((w) => !w.companyId);
    if (query.filter === 'problems') list = [];
    list = [...list].sort((a, b) => a.name.localeCompare(b.name) * (query.order === 'asc' ? 1 : -1));
    const start = query.page * query.pageSize;
    return { rows: list.slice(start, start + query.pageSize).map(toRow), total: list.length };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workspaces, query]);

  const mapped = workspaces.filter((w) => w.companyId).length;
  const counts = { all: workspaces.length, mapped, unmapped: workspaces.length - mapped, problems: 0 };

  const search = (q: string): Promise<PickerPage> =>
    Promise.resolve({
      items: companies
        .filter((c) => c.name.toLowerCase().includes(q.toLowerCase()))
        .map((c) => {
          const holder = workspaces.find((w) => w.companyId === c.id);
          return {
            ...c,
            hint: holder ? `Already mapped to ${holder.name}` : null,
            isWarning: Boolean(holder),
            isDisabled: isHeldDisabled && Boolean(holder),
          };
        }),
      nextCursor: null,
    });

  const map = (workspaceId: string, companyId: string) => {
    const holder = workspaces.find((w) => w.companyId === companyId && w.id !== workspaceId);
    log.push(`map ${workspaceId} ${companyId}`);
    if (holder) {
      setRowError({
        rowId: workspaceId,
        error: new ApiError(409, 'conflict', `That company is already mapped to ${holder.name}.`, {
          advice: `Unmap ${holder.name} first.`,
        }),
      });
      return;
    }
    setRowError(null);
    setWorkspaces((all) => all.map((w) => (w.id === workspaceId ? { ...w, companyId } : w)));
    const name = workspaces.find((w) => w.id === workspaceId)?.name ?? '';
    setAnnouncement(`Mapped ${name} to ${companyName(companyId) ?? ''}`);
  };

  return (
    <MappingTable
      subjectLabel="Coro workspace"
      targetLabel={`${psaName} Company`}
      psaName={psaName}
      subjectPlural="workspaces"
      rows={rows}
      total={total}
      counts={counts}
      query={query}
      onQueryChange={(next) => {
        log.push(`query ${next.filter} ${next.sort} ${next.order} p${next.page} q=${next.q}`);
        setQuery(next);
      }}
      search={search}
      searchKey={['companies', workspaces.map((w) => w.companyId).join()]}
      onMap={(row, option) => map(row.id, option.id)}
      onUnmap={(row) => {
        log.push(`unmap ${row.id}`);
        setWorkspaces((all) => all.map((w) => (w.id === row.id ? { ...w, companyId: null } : w)));
      }}
      onConfirmSuggestion={(row) => row.suggestion && map(row.id, row.suggestion.id)}
      rowError={rowError}
      readOnly={readOnly}
      announcement={announcement}
    />
  );
}

function renderConsole(props: Parameters<typeof Console>[0]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <Console {...props} />
    </QueryClientProvider>,
  );
}

const demo: Workspace[] = [
  { id: 'w1', name: 'Acme Corporation', companyId: 'c1' },
  { id: 'w2', name: 'Blue Harbor Logistics', companyId: null },
  {
    id: 'w3',
    name: 'Evergreen Law Group',
    companyId: null,
    suggestion: { id: 'c3', name: 'Evergreen Law Group LLP', score: 0.87 },
  },
  { id: 'w4', name: 'Nimbus Cloud Services', companyId: null },
];

function rowOf(name: string): HTMLElement {
  const header = screen.getByRole('rowheader', { name: new RegExp(name) });
  return header.closest('tr')!;
}

describe('MappingTable', () => {
  it('shows the Coro workspace and Autotask Company columns, a status per row and counts per filter', () => {
    renderConsole({ initial: demo });
    const table = screen.getByRole('table', { name: 'Coro workspace to Autotask Company mapping' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(headers.slice(0, 3)).toEqual(['Coro workspace', 'Autotask Company', 'Status']);
    expect(screen.getAllByRole('rowheader').map((h) => h.textContent)).toEqual([
      'Acme Corporation',
      'Blue Harbor Logistics',
      'Evergreen Law Group',
      'Nimbus Cloud Services',
    ]);
    expect(within(rowOf('Acme Corporation')).getByText('Contract OK')).toBeTruthy();
    expect(within(rowOf('Nimbus')).getByText('Not mapped')).toBeTruthy();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'All (4)',
      'Mapped (1)',
      'Unmapped (3)',
      'Problems (0)',
    ]);
  });

  it('maps a workspace through the Map dropdown, searching as the admin types', async () => {
    const user = userEvent.setup();
    const log: string[] = [];
    renderConsole({ initial: demo, log });
    await user.click(
      within(rowOf('Blue Harbor')).getByRole('button', {
        name: 'Autotask Company for Blue Harbor Logistics: Map',
      }),
    );
    const picker = within(rowOf('Blue Harbor')).getByRole('combobox', {
      name: 'Autotask Company for Blue Harbor Logistics',
    });
    expect(picker).toHaveProperty('placeholder', 'Map');
    expect(document.activeElement).toBe(picker);
    await user.type(picker, 'blue', { skipClick: true });
    await user.click(await screen.findByRole('option', { name: 'Blue Harbor Logistics' }));
    expect(log).toContain('map w2 c2');
    await waitFor(() => expect(within(rowOf('Blue Harbor')).getByText('Contract OK')).toBeTruthy());
    expect(screen.getByRole('tab', { name: 'Mapped (2)' })).toBeTruthy();
  });

  it('warns in the list that a company is already mapped, and shows the server refusal under the row', async () => {
    const user = userEvent.setup();
    renderConsole({ initial: demo });
    await user.click(within(rowOf('Nimbus')).getByRole('button', { name: /Autotask Company for Nimbus/ }));
    await user.type(within(rowOf('Nimbus')).getByRole('combobox'), 'acme', { skipClick: true });
    const option = await screen.findByRole('option', { name: /Acme Corporation/ });
    expect(option.textContent).toContain('Already mapped to Acme Corporation');
    await user.click(option);
    const alert = await within(rowOf('Nimbus')).findByRole('alert');
    expect(alert.textContent).toContain('That company is already mapped to Acme Corporation.');
    expect(alert.textContent).toContain('What to do next: Unmap Acme Corporation first.');
    expect(within(rowOf('Nimbus')).getByText('Not mapped')).toBeTruthy();
  });

  it('confirms a suggested match with one click', async () => {
    const user = userEvent.setup();
    renderConsole({ initial: demo });
    const row = rowOf('Evergreen');
    expect(row.textContent).toContain('Suggested: Evergreen Law Group LLP (87% match)');
    await user.click(
      within(row).getByRole('button', {
        name: 'Confirm suggestion Evergreen Law Group LLP for Evergreen Law Group',
      }),
    );
    await waitFor(() =>
      expect(
        within(rowOf('Evergreen')).getByRole('button', {
          name: 'Autotask Company for Evergreen Law Group: Evergreen Law Group LLP',
        }),
      ).toBeTruthy(),
    );
  });

  it('unmaps only after confirmation', async () => {
    const user = userEvent.setup();
    const log: string[] = [];
    renderConsole({ initial: demo, log });
    await user.click(screen.getByRole('button', { name: 'Unmap Acme Corporation' }));
    let dialog = await screen.findByRole('dialog', { name: 'Unmap Acme Corporation?' });
    expect(dialog.textContent).toContain('units already in Autotask are left as they are');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(log.filter((l) => l.startsWith('unmap'))).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Unmap Acme Corporation' }));
    dialog = await screen.findByRole('dialog', { name: 'Unmap Acme Corporation?' });
    await user.click(within(dialog).getByRole('button', { name: 'Unmap' }));
    expect(log).toContain('unmap w1');
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Mapped (0)' })).toBeTruthy());
  });

  it("names the connector's PSA, not Autotask, in the column, the pickers and the unmap dialog", async () => {
    const user = userEvent.setup();
    renderConsole({ initial: demo, psaName: 'ConnectWise PSA' });
    const table = screen.getByRole('table', { name: 'Coro workspace to ConnectWise PSA Company mapping' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent)[1],
    ).toBe('ConnectWise PSA Company');
    expect(
      within(rowOf('Acme')).getByRole('button', {
        name: 'ConnectWise PSA Company for Acme Corporation: Acme Corporation',
      }),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Unmap Acme Corporation' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unmap Acme Corporation?' });
    expect(dialog.textContent).toContain('units already in ConnectWise PSA are left as they are');
    expect(dialog.textContent).not.toContain('Autotask');
  });

  it('filters, searches (debounced), sorts and pages through the query', async () => {
    const user = userEvent.setup();
    const log: string[] = [];
    const many: Workspace[] = Array.from({ length: 60 }, (_, i) => ({
      id: `w${i}`,
      name: `Customer ${String(i).padStart(2, '0')}`,
      companyId: i % 3 === 0 ? 'c1' : null,
    }));
    renderConsole({ initial: many, log, pageSize: 25 });
    expect(screen.getAllByRole('rowheader')).toHaveLength(25);
    expect(screen.getByText('1–25 of 60')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Go to next page' }));
    expect(screen.getAllByRole('rowheader')[0]?.textContent).toBe('Customer 25');

    await user.click(screen.getByRole('tab', { name: 'Unmapped (40)' }));
    expect(screen.getByText('1–25 of 40')).toBeTruthy();
    expect(log.at(-1)).toBe('query unmapped subject asc p0 q=');

    await user.click(screen.getByRole('button', { name: 'Coro workspace' }));
    expect(screen.getAllByRole('rowheader')[0]?.textContent).toBe('Customer 59');

    await user.type(screen.getByRole('textbox', { name: 'Search workspaces' }), 'customer 5');
    await waitFor(() => expect(screen.getAllByRole('rowheader').length).toBe(7));
    expect(log.filter((l) => l.includes('q=customer')).length).toBe(1);
  });

  it('shows the same data read-only: no dropdowns, no unmap, no confirm', () => {
    renderConsole({ initial: demo, readOnly: true });
    const table = screen.getByRole('table');
    expect(within(table).queryAllByRole('combobox')).toEqual([]);
    expect(within(table).queryByRole('button', { name: /Autotask Company for/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Unmap/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Confirm suggestion/ })).toBeNull();
    // The company name shows as text next to the workspace of the same name.
    expect(within(rowOf('Acme Corporation')).getAllByText('Acme Corporation')).toHaveLength(2);
    expect(within(rowOf('Nimbus')).getAllByText('Not mapped').length).toBeGreaterThan(0);
  });

  it('has one tab stop for all rows: arrows move between rows and inside a row, typing opens the picker', async () => {
    const user = userEvent.setup();
    renderConsole({ initial: demo });
    const pickers = () => screen.getAllByRole('button', { name: /^Autotask Company for / });
    const inTabOrder = () => pickers().filter((b) => b.tabIndex === 0);
    expect(inTabOrder()).toEqual([pickers()[0]]);
    // The row's other controls are reached with arrows, not Tab.
    expect(screen.getByRole('button', { name: 'Unmap Acme Corporation' }).tabIndex).toBe(-1);

    // Tab from the search box lands on the first row's picker; the next Tab leaves the rows.
    screen.getByRole('textbox', { name: 'Search workspaces' }).focus();
    let tabs = 0;
    while (document.activeElement?.closest('tbody') === null && tabs < 10) {
      await user.tab();
      tabs += 1;
    }
    expect(document.activeElement).toBe(pickers()[0]);
    await user.tab();
    expect(document.activeElement?.closest('tbody')).toBeNull();
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(pickers()[0]);

    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(pickers()[1]);
    expect(inTabOrder()).toEqual([pickers()[1]]);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(pickers()[3]);
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(pickers()[0]);
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Unmap Acme Corporation' }));
    await user.keyboard('{ArrowLeft}{ArrowDown}');
    expect(document.activeElement).toBe(pickers()[1]);

    // Typing opens that row's picker with the character as the search; Escape returns to the row.
    await user.keyboard('h');
    const combo = within(rowOf('Blue Harbor')).getByRole('combobox');
    expect(combo).toHaveProperty('value', 'h');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(within(rowOf('Blue Harbor')).queryByRole('combobox')).toBeNull());
    expect(document.activeElement).toBe(pickers()[1]);

    // F2 opens, Enter picks: the focus is back on the row's control, the outcome announced.
    await user.keyboard('{F2}');
    await user.keyboard('blue');
    // The debounced search has answered: only the match is listed (and highlighted).
    await waitFor(() =>
      expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Blue Harbor Logistics']),
    );
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(document.activeElement).toBe(
        screen.getByRole('button', {
          name: 'Autotask Company for Blue Harbor Logistics: Blue Harbor Logistics',
        }),
      ),
    );
    expect(screen.getByRole('status').textContent).toBe(
      'Mapped Blue Harbor Logistics to Blue Harbor Logistics',
    );
  });

  it('on a mapped row, opening the picker starts a fresh search instead of appending to the name', async () => {
    const user = userEvent.setup();
    renderConsole({ initial: demo });
    await user.click(
      screen.getByRole('button', { name: 'Autotask Company for Acme Corporation: Acme Corporation' }),
    );
    const combo = within(rowOf('Acme Corporation')).getByRole('combobox');
    expect(combo).toHaveProperty('value', '');
    await user.keyboard('blu');
    expect(combo).toHaveProperty('value', 'blu');
  });

  it('shows a company another workspace holds, with its holder, but it cannot be picked', async () => {
    const user = userEvent.setup();
    const log: string[] = [];
    renderConsole({ initial: demo, log, isHeldDisabled: true });
    await user.click(within(rowOf('Nimbus')).getByRole('button', { name: /Autotask Company for Nimbus/ }));
    await user.keyboard('acme');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    const option = screen.getByRole('option', { name: /Acme Corporation/ });
    expect(option.getAttribute('aria-disabled')).toBe('true');
    expect(option.textContent).toContain('Already mapped to Acme Corporation');
    await user.keyboard('{ArrowDown}{Enter}');
    await user.click(option).catch(() => undefined);
    expect(log.filter((l) => l.startsWith('map'))).toEqual([]);
    expect(within(rowOf('Nimbus')).queryByRole('alert')).toBeNull();
    expect(within(rowOf('Nimbus')).getByText('Not mapped')).toBeTruthy();
  });
});
