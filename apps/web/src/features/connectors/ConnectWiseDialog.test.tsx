import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ChannelContextValue } from '../../app/channel-context.js';
import { ChannelContext } from '../../app/channel-context.js';
import { ConnectWiseDialog } from './ConnectWiseDialog.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ConnectWiseDialog', () => {
  it('is filled and sent by keyboard alone; the API receives the ConnectWise login, not the fields', async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal('fetch', (_input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(JSON.parse(typeof init?.body === 'string' ? init.body : 'null'));
      return Promise.resolve(
        new Response(JSON.stringify({ error: { code: 'psa_bad_secret', message: 'Refused.' } }), {
          status: 422,
          headers: { 'content-type': 'application/json' },
        }),
      );
    });
    const channel = { me: {}, channel: { id: 'ch1' }, canEdit: true } as unknown as ChannelContextValue;
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ChannelContext.Provider value={channel}>
          <ConnectWiseDialog onBack={() => undefined} onClose={() => undefined} />
        </ChannelContext.Provider>
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    expect(screen.getByRole('dialog', { name: /Add ConnectWise PSA connector/ })).toBeTruthy();
    // Site has focus first; Tab walks the fields in reading order.
    await user.keyboard('na.myconnectwise.net');
    await user.tab();
    await user.keyboard('acme');
    await user.tab();
    await user.keyboard('PubKey');
    await user.tab();
    await user.keyboard('PrivKey{Enter}');
    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toEqual({
      kind: 'connectwise',
      username: 'acme+PubKey@na.myconnectwise.net',
      secret: 'PrivKey',
    });
    // A refused attempt clears the private key so the next one starts from a fresh paste.
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>(/Private key/).value).toBe(''));
  });
});
