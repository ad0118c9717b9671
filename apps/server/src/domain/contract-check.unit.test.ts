import { describe, expect, it } from 'vitest';

import { testGuide } from '../psa/psa-guide.test-support.js';
import { evaluateContractCheck, type CheckContract, type ContractCheckInput } from './contract-check.js';

const today = '2026-11-27';
const company = { id: '31', name: 'Acme Corporation', isActive: true };
const endpoint = {
  serviceKey: 'endpoint_security',
  serviceName: 'Endpoint Security',
  psaServiceId: 's1',
  psaServiceName: 'Coro Endpoint Security',
};
const email = {
  serviceKey: 'email_security',
  serviceName: 'Email Security',
  psaServiceId: 's2',
  psaServiceName: 'Coro Email Security',
};
const contract = (id: string, over: Partial<CheckContract> = {}): CheckContract => ({
  id,
  name: `Contract ${id}`,
  isRecurringService: true,
  isActive: true,
  startDate: '2026-01-01',
  endDate: '2027-12-31',
  ...over,
});
const input = (over: Partial<ContractCheckInput>): ContractCheckInput => ({
  company,
  contracts: [contract('k1')],
  contractServices: [
    { id: 'cs1', contractId: 'k1', serviceId: 's1' },
    { id: 'cs2', contractId: 'k1', serviceId: 's2' },
  ],
  mappedServices: [endpoint, email],
  pinnedContractId: null,
  today,
  guide: testGuide,
  ...over,
});
const bothServices = 'Coro Endpoint Security + Coro Email Security';

describe('evaluateContractCheck', () => {
  it.each<[string, Partial<ContractCheckInput>, string, string | null, string | null]>([
    ['one contract with every service', {}, 'ok', 'k1', null],
    [
      'inactive company',
      { company: { ...company, isActive: false } },
      'inactive_company',
      null,
      'check.inactiveCompany(Acme Corporation)',
    ],
    [
      'no contract at all',
      { contracts: [], contractServices: [] },
      'no_contract',
      null,
      `check.noUsableContract(Acme Corporation; ended -; ${bothServices})`,
    ],
    [
      'only an expired contract',
      { contracts: [contract('k1', { endDate: '2025-12-31' })] },
      'no_contract',
      null,
      `check.noUsableContract(Acme Corporation; ended Contract k1; ${bothServices})`,
    ],
    [
      'contract not started yet',
      { contracts: [contract('k1', { startDate: '2027-01-01' })] },
      'no_contract',
      null,
      `check.noUsableContract(Acme Corporation; ended -; ${bothServices})`,
    ],
    [
      'inactive contract',
      { contracts: [contract('k1', { isActive: false })] },
      'no_contract',
      null,
      `check.noUsableContract(Acme Corporation; ended -; ${bothServices})`,
    ],
    [
      'not recurring-service',
      { contracts: [contract('k1', { isRecurringService: false })] },
      'no_contract',
      null,
      `check.noUsableContract(Acme Corporation; ended -; ${bothServices})`,
    ],
    [
      'contract ends today still counts',
      { contracts: [contract('k1', { endDate: today })] },
      'ok',
      'k1',
      null,
    ],
    [
      'a mapped service missing',
      { contractServices: [{ id: 'cs1', contractId: 'k1', serviceId: 's1' }] },
      'service_missing',
      'k1',
      'check.servicesMissing(Acme Corporation; Contract k1; Coro Email Security)',
    ],
    [
      'a mapped service twice on the contract',
      {
        contractServices: [
          { id: 'cs1', contractId: 'k1', serviceId: 's1' },
          { id: 'cs1b', contractId: 'k1', serviceId: 's1' },
          { id: 'cs2', contractId: 'k1', serviceId: 's2' },
        ],
      },
      'ambiguous',
      'k1',
      'check.duplicateServiceLines(Contract k1; Coro Endpoint Security)',
    ],
    [
      'two active contracts both holding a mapped service',
      {
        contracts: [contract('k1'), contract('k2')],
        contractServices: [
          { id: 'cs1', contractId: 'k1', serviceId: 's1' },
          { id: 'cs3', contractId: 'k2', serviceId: 's1' },
        ],
      },
      'ambiguous',
      null,
      'check.severalContracts(Acme Corporation)',
    ],
    [
      'two active contracts, only one holds mapped services',
      { contracts: [contract('k1'), contract('k2')] },
      'ok',
      'k1',
      null,
    ],
    [
      'two active contracts, neither holds mapped services',
      { contracts: [contract('k1'), contract('k2')], contractServices: [] },
      'ambiguous',
      null,
      'check.severalContracts(Acme Corporation)',
    ],
    [
      'pin resolves two competing contracts',
      {
        contracts: [contract('k1'), contract('k2')],
        contractServices: [
          { id: 'cs1', contractId: 'k1', serviceId: 's1' },
          { id: 'cs2', contractId: 'k1', serviceId: 's2' },
          { id: 'cs3', contractId: 'k2', serviceId: 's1' },
        ],
        pinnedContractId: 'k2',
      },
      'service_missing',
      'k2',
      'check.servicesMissing(Acme Corporation; Contract k2; Coro Email Security)',
    ],
    [
      'pin on an expired contract',
      { contracts: [contract('k1', { endDate: '2025-01-01' })], pinnedContractId: 'k1' },
      'no_contract',
      null,
      'check.pinnedContractUnusable(Acme Corporation)',
    ],
    [
      'pin on a contract that no longer exists',
      { pinnedContractId: 'gone' },
      'no_contract',
      null,
      'check.pinnedContractUnusable(Acme Corporation)',
    ],
    ['no mapped services yet', { mappedServices: [] }, 'ok', 'k1', null],
  ])('%s → %s', (_label, over, status, contractId, advice) => {
    const result = evaluateContractCheck(input(over));
    expect(result.status).toBe(status);
    expect(result.contractId).toBe(contractId);
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.advice).toBe(advice);
  });

  it('lists per-service results with the contract-service id', () => {
    const result = evaluateContractCheck(
      input({ contractServices: [{ id: 'cs1', contractId: 'k1', serviceId: 's1' }] }),
    );
    expect(result.services).toStrictEqual([
      { serviceKey: 'endpoint_security', psaServiceId: 's1', status: 'ok', contractServiceId: 'cs1' },
      { serviceKey: 'email_security', psaServiceId: 's2', status: 'missing', contractServiceId: null },
    ]);
    expect(result.advice).toBe('check.servicesMissing(Acme Corporation; Contract k1; Coro Email Security)');
  });

  it('names the PSA by the guide in its own messages', () => {
    const result = evaluateContractCheck(input({ company: { ...company, isActive: false } }));
    expect(result.message).toBe('Acme Corporation is inactive in TestPSA, so nothing will be billed to it.');
  });

  it('lists every duplicated service, in mapping order, in one piece of advice', () => {
    const result = evaluateContractCheck(
      input({
        contractServices: [
          { id: 'cs1', contractId: 'k1', serviceId: 's1' },
          { id: 'cs1b', contractId: 'k1', serviceId: 's1' },
          { id: 'cs2', contractId: 'k1', serviceId: 's2' },
          { id: 'cs2b', contractId: 'k1', serviceId: 's2' },
        ],
      }),
    );
    expect(result.advice).toBe(`check.duplicateServiceLines(Contract k1; ${bothServices})`);
  });

  it('names the expired contract and its end date', () => {
    const result = evaluateContractCheck(input({ contracts: [contract('k1', { endDate: '2025-12-31' })] }));
    expect(result.message).toBe(
      'Acme Corporation has no active recurring-service contract: "Contract k1" ended on 2025-12-31.',
    );
  });

  it('names the competing contracts when ambiguous', () => {
    const result = evaluateContractCheck(
      input({
        contracts: [contract('k1'), contract('k2')],
        contractServices: [
          { id: 'a', contractId: 'k1', serviceId: 's1' },
          { id: 'b', contractId: 'k2', serviceId: 's1' },
        ],
      }),
    );
    expect(result.candidateContractIds).toStrictEqual(['k1', 'k2']);
    expect(result.message).toContain('"Contract k1" and "Contract k2"');
  });

  it('marks the result as pinned when a pin decided it', () => {
    expect(evaluateContractCheck(input({ pinnedContractId: 'k1' })).isPinned).toBe(true);
    expect(evaluateContractCheck(input({})).isPinned).toBe(false);
  });
});
