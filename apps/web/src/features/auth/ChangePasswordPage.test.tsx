import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ChangePasswordPage } from './ChangePasswordPage.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ChangePasswordPage', () => {
  it('sends the one-time and the new password once both new entries match, and shows a refusal', async () => {
    const sent: { url: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({
        url: input instanceof Request ? input.url : input.toString(),
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : null,
      });
      const body = {
        error: { code: 'validation_failed', message: 'The current password is incorrect.' },
        reqId: 'r',
      };
      return Promise.resolve(
        new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } }),
      );
    });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ChangePasswordPage email="new@msp.test" />
      </QueryClientProvider>,
    );
    expect(document.title).toContain('Choose your password');
    const save = screen.getByRole('button', { name: 'Save password' });
    fireEvent.change(screen.getByLabelText(/One-time password/), { target: { value: 'otp-123' } });
    fireEvent.change(screen.getByLabelText(/^New password/), { target: { value: 'a-fine-new-pass-42' } });
    fireEvent.change(screen.getByLabelText(/Repeat the new password/), {
      target: { value: 'a-fine-new-pass-4' },
    });
    expect(screen.getByText('The two passwords differ.')).toBeTruthy();
    expect(save).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText(/Repeat the new password/), {
      target: { value: 'a-fine-new-pass-42' },
    });
    fireEvent.click(save);
    expect(await screen.findByText('The current password is incorrect.')).toBeTruthy();
    expect(sent).toEqual([
      { url: '/api/auth/password', body: { currentPassword: 'otp-123', newPassword: 'a-fine-new-pass-42' } },
    ]);
  });
});
