import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Connector } from '../../api/types.js';
import { UpdateCredentialsDialog } from './UpdateCredentialsDialog.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const connectWise = {
  id: '0190a4c2-0000-7000-8000-00000000000c',
  channelId: '0190a4c2-0000-7000-8000-00000000000d',
  kind: 'connectwise',
  username: 'northwind+NwPubKey@127.0.0.1:8443',
} as Connector;

describe('UpdateCredentialsDialog', () => {
  it("asks a ConnectWise connector for ConnectWise's credentials and sends them as user name + secret", async () => {
    const sent: unknown[] = [];
    vi.stubGlobal('fetch', (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(typeof init?.body === 'string' ? JSON.parse(init.body) : undefined);
      return Promise.resolve(
        new Response(JSON.stringify({ ...connectWise }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      );
    });
    const onClose = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <UpdateCredentialsDialog connector={connectWise} onClose={onClose} />
      </QueryClientProvider>,
    );
    await screen.findByRole('dialog', { name: 'Update ConnectWise PSA credentials' });
    expect(screen.getByLabelText(/Company ID \+ public key @ site/)).toHaveProperty(
      'value',
      'northwind+NwPubKey@127.0.0.1:8443',
    );
    fireEvent.change(screen.getByLabelText(/New private key/), { target: { value: 'NewPrivate1' } });
    fireEvent.click(screen.getByRole('button', { name: 'UPDATE' }));
    await waitFor(() => expect(onClose).toHaveBeenCalledWith('updated'));
    expect(sent).toEqual([{ username: 'northwind+NwPubKey@127.0.0.1:8443', secret: 'NewPrivate1' }]);
  });
});
