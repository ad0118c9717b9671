import { describe, expect, it } from 'vitest';

import { credentialsProblem } from './autotask.credentials.js';

const good = { username: 'api@example.com', secret: 'S3cr3t$*~', integrationCode: 'ABCDEF123' };

describe('credentialsProblem', () => {
  it('accepts printable ASCII credentials and an unset integration code', () => {
    expect(credentialsProblem(good)).toBeNull();
    expect(credentialsProblem({ ...good, integrationCode: '' })).toBeNull();
  });

  it.each([
    ['username', '\ud800', 'bad_username'],
    ['username', 'a\tb', 'bad_username'],
    ['username', '', 'bad_username'],
    ['secret', 'abc\r\nX-Injected: 1', 'bad_secret'],
    ['secret', 'a\u0000b', 'bad_secret'],
    ['secret', 'pässwörd-€', 'bad_secret'],
    ['secret', ' padded', 'bad_secret'],
    ['integrationCode', 'CODE\n', 'bad_integration_code'],
  ] as const)('refuses %s %j as %s, without echoing it', (field, value, code) => {
    const problem = credentialsProblem({ ...good, [field]: value });
    expect(problem?.code).toBe(code);
    expect(problem?.message).not.toContain(value === '' ? '\u0001' : value);
  });
});
