/** The shared PSA provider contract, run against the ConnectWise provider and its sandbox (HTTPS). */
import { readFileSync } from 'node:fs';
import { startSandbox } from 'connectwise-sandbox';
import { Agent, request } from 'undici';
import { describePsaProviderContract } from '../../psa/psa-provider-contract.test-support.js';
import type { PsaCallEvent } from '../../psa/psa-provider.port.js';
import { encodeCwCredentials } from './connectwise.credentials.js';
import { createConnectWiseProvider } from './connectwise.provider.js';

const defaultPageSize = 1000;

describePsaProviderContract(async () => {
  const sb = await startSandbox({ port: 0, seed: 'demo', tls: true });
  const ca = readFileSync(sb.caFile ?? '', 'utf8');
  const c = sb.credentials;
  // The sandbox's state read over its own API, without our client (an independent reading).
  const raw = new Agent({ connect: { ca } });
  const auth = `Basic ${Buffer.from(`${c.companyId}+${c.publicKey}:${c.privateKey}`).toString('base64')}`;
  return {
    label: 'ConnectWise PSA',
    demoCompanyName: 'Acme Corporation',
    badCredentialCodes: { secret: 'bad_secret', integrationCode: 'bad_integration_code' },
    connect: (options = {}) => {
      const calls: PsaCallEvent[] = [];
      const pageSize = options.pageSize ?? defaultPageSize;
      const provider = createConnectWiseProvider({
        ca,
        pageSize,
        backoffBaseMs: 1,
        backoffMaxMs: 5,
        sleep: () => Promise.resolve(),
      });
      const connection = provider.connect(
        encodeCwCredentials(
          { ...c, ...(options.bad === 'secret' ? { privateKey: 'wrong-private-key' } : {}) },
          options.bad === 'integrationCode' ? 'f00f00f0-0000-4000-8000-000000000000' : c.clientId,
        ),
        { connectorId: 'contract-test', onCall: (e) => calls.push(e) },
      );
      return { connection, calls, pageSize };
    },
    today: () => new Date().toISOString().slice(0, 10),
    reset: () => {
      sb.admin.reset('demo');
      sb.admin.clearFaults();
    },
    fault: (f) => {
      if (f.kind === 'read-429')
        sb.admin.setFaults([
          { kind: '429', path: 'company/companies', count: f.count, retryAfterSeconds: 0 },
        ]);
      else
        sb.admin.setFaults([
          { kind: f.kind === 'write-5xx' ? '500' : 'commit-then-drop', method: 'PATCH', count: 1 },
        ]);
    },
    writesReceived: () => sb.admin.writes().length,
    sandboxUnits: async (t) => {
      const answer = await request(
        `${sb.url}/${c.codebase}apis/3.0/finance/agreements/${t.contractId}/additions/${t.contractServiceId}`,
        { dispatcher: raw, headers: { authorization: auth, clientid: c.clientId } },
      );
      const body = (await answer.body.json()) as { quantity?: number };
      return answer.statusCode === 200 ? (body.quantity ?? null) : null;
    },
    close: async () => {
      await raw.close();
      await sb.close();
    },
  };
});
