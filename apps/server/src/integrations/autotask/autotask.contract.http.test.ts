/** The shared PSA provider contract, run against the Autotask provider and the Autotask sandbox. */
import { startSandbox } from 'autotask-sandbox';
import { describePsaProviderContract } from '../../psa/psa-provider-contract.test-support.js';
import type { PsaCallEvent } from '../../psa/psa-provider.port.js';
import { createAutotaskProvider } from './autotask.provider.js';
import { credentialsOf, discoveryBase, fastRetries, tenantToday } from './autotask.test-support.js';

/** Autotask pages queries by 500 records; the page size cannot be chosen. */
const autotaskPageSize = 500;

describePsaProviderContract(async () => {
  const sb = await startSandbox({ port: 0, seed: 'demo' });
  const provider = createAutotaskProvider({ discoveryBaseUrl: discoveryBase(sb), ...fastRetries });
  return {
    label: 'Autotask',
    demoCompanyName: 'Acme Corporation',
    badCredentialCodes: { secret: 'bad_secret', integrationCode: 'bad_integration_code' },
    connect: (options = {}) => {
      const calls: PsaCallEvent[] = [];
      const good = credentialsOf(sb);
      const connection = provider.connect(
        {
          ...good,
          ...(options.bad === 'secret' ? { secret: 'wrong-secret' } : {}),
          ...(options.bad === 'integrationCode' ? { integrationCode: 'WRONGTRACKINGID' } : {}),
        },
        { connectorId: 'contract-test', onCall: (e) => calls.push(e) },
      );
      return { connection, calls, pageSize: autotaskPageSize };
    },
    today: () => tenantToday(),
    reset: () => {
      sb.admin.reset('demo');
      sb.admin.clearFaults();
    },
    fault: (f) => {
      if (f.kind === 'read-429')
        sb.admin.setFaults([{ entity: 'Companies', kind: '429', count: f.count, retryAfterSeconds: 0 }]);
      else
        sb.admin.setFaults([
          {
            entity: 'ContractServiceAdjustments',
            kind: f.kind === 'write-5xx' ? '503' : 'commit-then-drop',
            count: 1,
          },
        ]);
    },
    writesReceived: () => sb.admin.adjustments().length,
    sandboxUnits: (t, onDate) =>
      Promise.resolve(sb.admin.unitsOn(Number(t.contractId), Number(t.serviceId), onDate)),
    close: async () => {
      await provider.close();
      await sb.close();
    },
  };
});
