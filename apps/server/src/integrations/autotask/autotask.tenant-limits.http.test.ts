import { describe, expect, it } from 'vitest';
import { createAutotaskProvider } from './autotask.provider.js';
import { credentialsOf, discoveryBase, fastRetries, useSandbox } from './autotask.test-support.js';

/**
 * Autotask's thread limit and hourly budget belong to the tenant database, so two connectors of
 * one tenant (two channels sharing an MSP's Autotask) must share them inside one process: each
 * with its own 3 threads, a worker running both at once would draw the tenant's 429s.
 */
describe('limits per tenant database, not per connector', () => {
  const { sb } = useSandbox('demo', { isResetBeforeEach: true });

  it('two connectors of one tenant, 4 parallel reads each: never more than 3 in flight, no 429', async () => {
    // Long enough that the reads overlap in the sandbox; retries would hide a 429, the count does not.
    sb.admin.setLatency(60);
    const provider = createAutotaskProvider({ discoveryBaseUrl: discoveryBase(sb), ...fastRetries });
    const connections = ['connector-a', 'connector-b'].map((connectorId) =>
      provider.connect(credentialsOf(sb), { connectorId }),
    );
    try {
      const reads = connections.flatMap((c) =>
        Array.from({ length: 4 }, () => c.readContracts(['0', '174', '175'])),
      );
      const results = await Promise.all(reads);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(sb.admin.stats().rejected429).toBe(0);
      expect(sb.admin.stats().byEntity.Contracts).toBeGreaterThanOrEqual(8);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
      await provider.close();
    }
  });
});
