import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Role } from '../../api/types.js';
import { ChannelContext, type ChannelContextValue } from '../../app/channel-context.js';
import { TeamPage } from './TeamPage.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const member = (email: string, role: Role, lastSignInAt: string | null = null) => ({
  userId: `0190a0a0-0000-7000-8000-${email.length.toString().padStart(12, '0')}`,
  email,
  displayName: email.split('@')[0],
  role,
  lastSignInAt,
  addedAt: '2026-12-01T10:00:00.000Z',
});
const team = [
  member('ada@msp.test', 'msp_admin', '2026-12-03T09:00:00.000Z'),
  member('bob.viewer@msp.test', 'msp_viewer'),
];

interface Call {
  method: string;
  url: string;
  body: unknown;
}

/** The real fetch boundary: the page's own API client and query hooks run unchanged. */
function serve(answer: (call: Call) => { status: number; body: unknown }): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const call = {
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : input.toString(),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : null,
    };
    calls.push(call);
    const { status, body } = answer(call);
    return Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    );
  });
  return calls;
}

function renderPage(role: Role) {
  const value = {
    me: { user: { id: team[0]?.userId, email: 'ada@msp.test', displayName: 'ada' } },
    channel: { id: 'ch', displayName: 'Northwind', role, parentId: null },
    canEdit: role === 'msp_admin' || role === 'msp_super_admin',
  } as unknown as ChannelContextValue;
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ChannelContext.Provider value={value}>
        <MemoryRouter>
          <TeamPage />
        </MemoryRouter>
      </ChannelContext.Provider>
    </QueryClientProvider>,
  );
}

describe('TeamPage', () => {
  it('shows a viewer the members read-only: no add, role select or remove', async () => {
    const calls = serve(() => ({ status: 200, body: { items: team } }));
    renderPage('msp_viewer');
    expect(await screen.findByText('bob.viewer@msp.test')).toBeTruthy();
    expect(calls.map((c) => c.url)).toEqual(['/api/channels/ch/team']);
    expect(screen.getByText('MSP Viewer')).toBeTruthy();
    expect(screen.getByText('Never')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add member' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(document.title).toContain('Team');
  });

  it('adds a member and shows the one-time password once, with a warning', async () => {
    const calls = serve((call) =>
      call.method === 'POST'
        ? {
            status: 201,
            body: {
              member: member('new@msp.test', 'msp_billing'),
              onboarding: 'one_time_password',
              oneTimePassword: 'otp-Shown-Once-1234567890',
            },
          }
        : { status: 200, body: { items: team } },
    );
    renderPage('msp_admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Add member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add member' });
    fireEvent.change(within(dialog).getByLabelText(/E-mail/), { target: { value: ' new@msp.test ' } });
    fireEvent.mouseDown(within(dialog).getByRole('combobox'));
    fireEvent.click(await screen.findByRole('option', { name: 'MSP Billing (read-only)' }));
    expect(screen.queryByRole('option', { name: 'MSP Super admin' })).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add member' }));
    const done = await screen.findByRole('dialog', { name: 'Member added' });
    expect(within(done).getByLabelText('One-time password')).toHaveProperty(
      'value',
      'otp-Shown-Once-1234567890',
    );
    expect(within(done).getByText(/shown only once/)).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')?.url).toBe('/api/channels/ch/team');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      email: 'new@msp.test',
      role: 'msp_billing',
    });
    fireEvent.click(within(done).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByText('otp-Shown-Once-1234567890')).toBeNull());
    expect(screen.queryByDisplayValue('otp-Shown-Once-1234567890')).toBeNull();
  });

  it('explains a refused removal (last admin) with the server advice, after a confirmation', async () => {
    const calls = serve((call) =>
      call.method === 'DELETE'
        ? {
            status: 409,
            body: {
              error: {
                code: 'last_admin',
                message: 'This is the last admin of the channel.',
                details: { advice: 'Give another member msp_admin first.' },
              },
              reqId: 'r1',
            },
          }
        : { status: 200, body: { items: team } },
    );
    renderPage('msp_admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Remove ada@msp.test' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove from the team?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('This is the last admin of the channel.')).toBeTruthy();
    expect(screen.getByText(/Give another member msp_admin first/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
      `/api/channels/ch/team/${team[0]?.userId ?? ''}`,
    ]);
  });
});
