import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';

import { AsyncEntityPicker, type PickerOption, type PickerPage } from './AsyncEntityPicker.js';

afterEach(cleanup);

/** A server stand-in: a real in-memory company list searched by `contains`, paged by cursor. */
function companyDirectory(names: readonly string[], pageSize = 25) {
  const calls: { query: string; cursor: string | null }[] = [];
  const companies: PickerOption[] = names.map((name, index) => ({ id: String(index + 1), name }));
  const search = (query: string, cursor: string | null): Promise<PickerPage> => {
    calls.push({ query, cursor });
    const matches = companies.filter((c) => c.name.toLowerCase().includes(query.toLowerCase()));
    const start = cursor ? Number(cursor) : 0;
    const items = matches.slice(start, start + pageSize);
    const next = start + pageSize < matches.length ? String(start + pageSize) : null;
    return Promise.resolve({ items, nextCursor: next });
  };
  return { search, calls, companies };
}

/** jsdom has no layout: give lists and options the heights a browser would, for the virtualizer. */
function fakeLayout(heights: { listbox: number; option: number }): () => void {
  const client = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
  const offset = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight');
  Object.defineProperty(Element.prototype, 'clientHeight', {
    configurable: true,
    get(this: Element) {
      return this.getAttribute('role') === 'listbox' ? heights.listbox : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.getAttribute('role') === 'option' ? heights.option : 0;
    },
  });
  return () => {
    if (client) Object.defineProperty(Element.prototype, 'clientHeight', client);
    if (offset) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', offset);
  };
}

function Harness(props: {
  search: (q: string, c: string | null) => Promise<PickerPage>;
  initial?: PickerOption | null;
  onPicked?: (o: PickerOption | null) => void;
}) {
  const [value, setValue] = useState<PickerOption | null>(props.initial ?? null);
  return (
    <>
      <AsyncEntityPicker
        label="Autotask Company for Acme"
        value={value}
        onChange={(option) => {
          setValue(option);
          props.onPicked?.(option);
        }}
        search={props.search}
        queryKey={['test', 'companies']}
        debounceMs={300}
      />
      <output data-testid="picked">{value?.name ?? 'none'}</output>
    </>
  );
}

function renderPicker(ui: React.ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

const names = [
  'Acme Corporation',
  'Blue Harbor Logistics',
  'Cedar Ridge Dental',
  'Evergreen Law Group LLP',
  'Northwind MSP',
  'Coro Cybersecurity',
];

describe('AsyncEntityPicker', () => {
  it('lists the first page on open, searches the server once per pause in typing, and picks with the mouse', async () => {
    const user = userEvent.setup();
    const dir = companyDirectory(names);
    renderPicker(<Harness search={dir.search} />);

    const box = screen.getByRole('combobox', { name: 'Autotask Company for Acme' });
    expect(box).toHaveProperty('placeholder', 'Map');
    await user.click(box);
    const listbox = await screen.findByRole('listbox');
    expect(within(listbox).getAllByRole('option')).toHaveLength(names.length);
    expect(dir.calls).toEqual([{ query: '', cursor: null }]);

    await user.type(box, 'ever');
    await waitFor(() =>
      expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Evergreen Law Group LLP']),
    );
    // Debounced: no request for "e", "ev", "eve" — only the settled text.
    expect(dir.calls.map((c) => c.query)).toEqual(['', 'ever']);

    await user.click(screen.getByRole('option', { name: 'Evergreen Law Group LLP' }));
    expect(screen.getByTestId('picked').textContent).toBe('Evergreen Law Group LLP');
    expect(box).toHaveProperty('value', 'Evergreen Law Group LLP');
  });

  it('is keyboard operable: arrows move, Enter picks, Escape closes', async () => {
    const user = userEvent.setup();
    const dir = companyDirectory(names);
    renderPicker(<Harness search={dir.search} />);

    const box = screen.getByRole('combobox', { name: 'Autotask Company for Acme' });
    box.focus();
    await user.keyboard('{ArrowDown}');
    await screen.findByRole('listbox');
    await user.type(box, 'cedar');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('picked').textContent).toBe('Cedar Ridge Dental');

    await user.keyboard('{ArrowDown}');
    await screen.findByRole('listbox');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
  });

  it('does not search for one character and says how many are needed', async () => {
    const user = userEvent.setup();
    const dir = companyDirectory(names);
    renderPicker(<Harness search={dir.search} />);
    const box = screen.getByRole('combobox');
    await user.click(box);
    await screen.findByRole('listbox');
    await user.type(box, 'a');
    expect(await screen.findByText('Type at least 2 characters')).toBeTruthy();
    expect(dir.calls.map((c) => c.query)).toEqual(['']);
  });

  it('keeps showing the current value when the results do not contain it, and shows hints', async () => {
    const user = userEvent.setup();
    const search = (query: string): Promise<PickerPage> =>
      Promise.resolve({
        items: [
          {
            id: '9',
            name: `${query || 'Any'} Holdings`,
            hint: 'Already mapped to Juniper Financial',
            isWarning: true,
          },
        ],
        nextCursor: null,
      });
    renderPicker(<Harness search={search} initial={{ id: '77', name: 'Zenith Pharmaceuticals' }} />);
    const box = screen.getByRole('combobox');
    expect(box).toHaveProperty('value', 'Zenith Pharmaceuticals');
    await user.click(box);
    const options = await screen.findAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([
      'Zenith PharmaceuticalsCurrent mapping',
      'Any HoldingsAlready mapped to Juniper Financial',
    ]);
  });

  it('virtualizes long lists and loads the next page when scrolled to the end', async () => {
    // jsdom has no layout; give the scrolling list the height a browser would.
    const restore = fakeLayout({ listbox: 320, option: 52 });
    onTestFinished(restore);
    const user = userEvent.setup();
    const many = Array.from({ length: 260 }, (_, i) => `Customer ${String(i + 1).padStart(3, '0')}`);
    const dir = companyDirectory(many, 150);
    renderPicker(<Harness search={dir.search} />);
    await user.click(screen.getByRole('combobox'));
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(listbox.getAttribute('data-virtualized')).toBe('true'));
    // 150 options loaded, only a window of them in the DOM.
    const rendered = within(listbox).getAllByRole('option').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(40);

    Object.defineProperty(listbox, 'scrollHeight', { configurable: true, value: 150 * 52 });
    Object.defineProperty(listbox, 'clientHeight', { configurable: true, value: 320 });
    listbox.scrollTop = 150 * 52 - 320;
    listbox.dispatchEvent(new Event('scroll'));
    await waitFor(() => expect(dir.calls).toContainEqual({ query: '', cursor: '150' }));
  });

  it('shows nothing to pick and calls no server when read-only', async () => {
    const user = userEvent.setup();
    const dir = companyDirectory(names);
    renderPicker(
      <AsyncEntityPicker
        label="Autotask Company for Acme"
        value={{ id: '1', name: 'Acme Corporation' }}
        onChange={() => undefined}
        search={dir.search}
        queryKey={['ro']}
        readOnly
      />,
    );
    const box = screen.getByRole('combobox');
    await user.click(box);
    expect(box).toHaveProperty('value', 'Acme Corporation');
    expect(dir.calls).toEqual([]);
  });
});
