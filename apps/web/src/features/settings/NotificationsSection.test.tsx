import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Outlet, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Connector } from '../../api/types.js';
import { ChannelContext, type ChannelContextValue } from '../../app/channel-context.js';
import { NotificationsSection } from './NotificationsSection.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const connector = { id: 'co', channelId: 'ch', kind: 'autotask' } as Connector;
const stored = {
  connectorId: 'co',
  isEmailEnabled: true,
  emailRecipients: null,
  webhookUrl: 'https://hooks.example.com/coro',
  hasWebhookSecret: true,
  updatedAt: '2026-12-03T10:00:00.000Z',
};

describe('NotificationsSection', () => {
  it('never shows the stored secret, keeps it unless replaced, and sends the recipients as a list', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal('fetch', (_input: RequestInfo | URL, init?: RequestInit) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : null;
      if (body) sent.push(body);
      const answer = body
        ? { ...stored, ...body, hasWebhookSecret: true, updatedAt: '2026-12-03T11:00:00.000Z' }
        : stored;
      return Promise.resolve(
        new Response(JSON.stringify(answer), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      );
    });
    const channel = { channel: { id: 'ch' }, canEdit: true } as unknown as ChannelContextValue;
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ChannelContext.Provider value={channel}>
          <MemoryRouter>
            <Routes>
              <Route element={<Outlet context={{ connector }} />}>
                <Route path="*" element={<NotificationsSection />} />
              </Route>
            </Routes>
          </MemoryRouter>
        </ChannelContext.Provider>
      </QueryClientProvider>,
    );
    const secret = await screen.findByLabelText('Replace the webhook secret');
    expect(secret).toHaveProperty('value', '');
    expect(screen.getByText(/A secret is set/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('E-mail recipients'), {
      target: { value: 'ops@msp.test, billing@msp.test' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save notifications' }));
    await screen.findByText('Notifications saved.');
    // No secret typed: none sent, so the stored one is kept.
    expect(sent).toEqual([
      {
        isEmailEnabled: true,
        emailRecipients: ['ops@msp.test', 'billing@msp.test'],
        webhookUrl: 'https://hooks.example.com/coro',
      },
    ]);
    await waitFor(() =>
      expect(screen.getByLabelText('Replace the webhook secret')).toHaveProperty('value', ''),
    );
  });
});
