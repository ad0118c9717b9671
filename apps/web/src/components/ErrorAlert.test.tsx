import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ApiError } from '../api/client.js';
import { ErrorAlert } from './ErrorAlert.js';

afterEach(cleanup);

describe('ErrorAlert', () => {
  it('shows the advice the server sent with a PSA failure', () => {
    const serverAdvice =
      'Check the User name: it is the API user’s Username (Key) from Autotask › Resources/Users (Generate Key), not a person’s e-mail address.';
    const error = new ApiError(422, 'psa_bad_username', 'Autotask does not know this API username.', {
      advice: serverAdvice,
    });
    render(<ErrorAlert error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-error-code')).toBe('psa_bad_username');
    expect(alert.textContent).toContain('Autotask does not know this API username.');
    expect(alert.textContent).toContain(`What to do next: ${serverAdvice}`);
  });

  it('adds no advice of its own to a PSA failure the server sent without advice', () => {
    const error = new ApiError(422, 'psa_bad_integration_code', 'The PSA rejected the tracking identifier.');
    render(<ErrorAlert error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The PSA rejected the tracking identifier.');
    expect(alert.textContent).not.toContain('What to do next');
  });
});
