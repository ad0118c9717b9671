import { describe, expect, it } from 'vitest';

import { psaDisplayName } from './psa-provider.port.js';

describe('psaDisplayName', () => {
  it.each([
    ['autotask', 'Autotask'],
    ['connectwise', 'ConnectWise PSA'],
    ['halopsa', 'PSA'],
  ])('names %s as %s', (kind, name) => {
    expect(psaDisplayName(kind)).toBe(name);
  });
});
