import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { NotificationTest } from './NotificationTest.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const renderTest = () =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <NotificationTest channelId="ch" connectorId="co" />
    </QueryClientProvider>,
  );

describe('NotificationTest', () => {
  it('posts {} to the test endpoint, shows progress, then announces each channel with its advice', async () => {
    const calls: { url: string; method: string | undefined; body: unknown }[] = [];
    let answer: (response: Response) => void = () => undefined;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({
        url: input instanceof Request ? input.url : input.toString(),
        method: init?.method,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : null,
      });
      return new Promise<Response>((resolve) => (answer = resolve));
    });
    renderTest();
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    const busy = await screen.findByRole('button', { name: 'Sending test…' });
    expect(busy).toHaveProperty('disabled', true);
    expect(calls).toEqual([
      { url: '/api/channels/ch/connectors/co/notifications/test', method: 'POST', body: {} },
    ]);

    answer(
      json({
        email: { status: 'sent', detail: '250 2.0.0 Ok: queued', durationMs: 40, advice: null },
        webhook: {
          status: 'failed',
          detail: 'HTTP 500',
          durationMs: 12,
          advice: 'The receiver answered with an error: check its logs, then send the test again.',
        },
      }),
    );
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    await within(region).findByText('E-mail: Sent');
    expect(within(region).getByText('Webhook: Failed')).toBeTruthy();
    expect(region.textContent).toContain('(250 2.0.0 Ok: queued)');
    expect(region.textContent).toContain('(HTTP 500)');
    expect(region.textContent).toContain('The receiver answered with an error');
    expect(screen.getByRole('button', { name: 'Send test' })).toHaveProperty('disabled', false);
  });

  it('says so when nothing is configured (409) and shows no channel result', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        json(
          { error: { code: 'conflict', message: 'Nothing to test: set a webhook URL first.' }, reqId: 'r' },
          409,
        ),
      ),
    );
    renderTest();
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    await screen.findByText(/Nothing to test/);
    expect(screen.getByText('The test was not sent')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('shows "Not configured" with what to do', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        json({
          email: {
            status: 'not_configured',
            detail: null,
            durationMs: null,
            advice: 'Turn on e-mail notices.',
          },
          webhook: { status: 'sent', detail: 'HTTP 204', durationMs: 5, advice: null },
        }),
      ),
    );
    renderTest();
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    const region = screen.getByRole('status');
    await within(region).findByText('E-mail: Not configured');
    expect(region.textContent).toContain('Turn on e-mail notices.');
    expect(within(region).getByText('Webhook: Sent')).toBeTruthy();
  });
});
