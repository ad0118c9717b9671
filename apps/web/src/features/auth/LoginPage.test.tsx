import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { LoginPage } from './LoginPage.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The server's answers: no session, and the given public auth config. */
function serve(config: unknown): void {
  vi.stubGlobal('fetch', (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const json = (status: number, body: unknown) =>
      Promise.resolve(
        new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
      );
    if (url.includes('/api/auth/config')) return json(200, config);
    return json(401, { error: { code: 'unauthorized', message: 'Sign in.' } });
  });
}

function renderPage(): void {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={['/login']}>
        <LoginPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('LoginPage', () => {
  it('shows the demo logins when the server runs the demo', async () => {
    serve({
      isDemo: true,
      demoLogins: [
        { email: 'admin@northwind.example', password: 'demo-admin-2026!', role: 'msp_super_admin' },
        { email: 'viewer@northwind.example', password: 'demo-viewer-2026!', role: 'msp_viewer' },
      ],
    });
    renderPage();
    expect(await screen.findByText('Demo: admin@northwind.example / demo-admin-2026!')).toBeTruthy();
    expect(screen.getByText('Demo (viewer): viewer@northwind.example / demo-viewer-2026!')).toBeTruthy();
  });

  it('shows no hint outside the demo', async () => {
    serve({ isDemo: false });
    renderPage();
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('note', { name: 'Demo logins' })).toBeNull();
  });
});
