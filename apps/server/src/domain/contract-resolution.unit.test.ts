import { describe, expect, it } from 'vitest';

import type { PsaContract, PsaContractService } from '../psa/psa-provider.port.js';
import { testGuide } from '../psa/psa-guide.test-support.js';
import { resolveContractService, type ResolutionInput } from './contract-resolution.js';

const day = '2026-11-27';
const contract = (id: string, over: Partial<PsaContract> = {}): PsaContract => ({
  id,
  companyId: 'co1',
  name: `Contract ${id}`,
  isRecurringService: true,
  isActive: true,
  startDate: '2026-01-01',
  endDate: '2027-12-31',
  ...over,
});
const lines = (entries: [string, string][]): ReadonlyMap<string, PsaContractService[]> => {
  const map = new Map<string, PsaContractService[]>();
  entries.forEach(([contractId, serviceId], i) => {
    map.set(contractId, [...(map.get(contractId) ?? []), { id: `cs${i}`, contractId, serviceId }]);
  });
  return map;
};
const input = (over: Partial<ResolutionInput>): ResolutionInput => ({
  companyName: 'Acme',
  psaServiceId: 's1',
  psaServiceName: 'Coro Endpoint Security',
  contracts: [],
  contractServicesByContract: new Map(),
  pinnedContractId: null,
  effectiveDate: day,
  allowCreateContractService: false,
  guide: testGuide,
  ...over,
});

describe('resolveContractService', () => {
  const cases: [string, Partial<ResolutionInput>, string, string | null, string | null][] = [
    [
      'one contract holding the service',
      { contracts: [contract('c1')], contractServicesByContract: lines([['c1', 's1']]) },
      'resolved',
      'c1',
      null,
    ],
    [
      'no contract at all',
      {},
      'no_contract',
      null,
      'line.noUsableContract(Acme; ended -; Coro Endpoint Security)',
    ],
    [
      'only an expired contract',
      {
        contracts: [contract('c1', { endDate: '2026-10-31' })],
        contractServicesByContract: lines([['c1', 's1']]),
      },
      'no_contract',
      null,
      'line.noUsableContract(Acme; ended Contract c1; Coro Endpoint Security)',
    ],
    [
      'a contract starting tomorrow',
      { contracts: [contract('c1', { startDate: '2026-11-28' })] },
      'no_contract',
      null,
      'line.noUsableContract(Acme; ended -; Coro Endpoint Security)',
    ],
    [
      'an inactive contract',
      { contracts: [contract('c1', { isActive: false })] },
      'no_contract',
      null,
      'line.noUsableContract(Acme; ended -; Coro Endpoint Security)',
    ],
    [
      'a non-recurring contract',
      {
        contracts: [contract('c1', { isRecurringService: false })],
        contractServicesByContract: lines([['c1', 's1']]),
      },
      'no_contract',
      null,
      'line.noUsableContract(Acme; ended -; Coro Endpoint Security)',
    ],
    [
      'the service missing',
      { contracts: [contract('c1')], contractServicesByContract: lines([['c1', 's2']]) },
      'service_not_on_contract',
      'c1',
      'line.serviceNotOnContract(Contract c1; Coro Endpoint Security)',
    ],
    [
      'the service missing, creation allowed',
      { contracts: [contract('c1')], allowCreateContractService: true },
      'resolved',
      'c1',
      null,
    ],
    [
      'the service twice on one contract',
      {
        contracts: [contract('c1')],
        contractServicesByContract: lines([
          ['c1', 's1'],
          ['c1', 's1'],
        ]),
      },
      'ambiguous_contract',
      'c1',
      'line.duplicateServiceLines(Contract c1; Coro Endpoint Security)',
    ],
    [
      'two contracts holding it',
      {
        contracts: [contract('c1'), contract('c2')],
        contractServicesByContract: lines([
          ['c1', 's1'],
          ['c2', 's1'],
        ]),
      },
      'ambiguous_contract',
      null,
      'line.severalContractsHoldService(Acme; Coro Endpoint Security)',
    ],
    [
      'two contracts, one holding it',
      {
        contracts: [contract('c1'), contract('c2')],
        contractServicesByContract: lines([
          ['c1', 's2'],
          ['c2', 's1'],
        ]),
      },
      'resolved',
      'c2',
      null,
    ],
    [
      'two contracts, none holding it',
      { contracts: [contract('c1'), contract('c2')] },
      'service_not_on_contract',
      null,
      'line.serviceOnNoContract(Acme; Coro Endpoint Security)',
    ],
    [
      'two contracts, none holding it, creation allowed',
      { contracts: [contract('c1'), contract('c2')], allowCreateContractService: true },
      'ambiguous_contract',
      null,
      'line.serviceOnNoContract(Acme; Coro Endpoint Security)',
    ],
    [
      'ambiguity settled by a pin',
      {
        contracts: [contract('c1'), contract('c2')],
        contractServicesByContract: lines([
          ['c1', 's1'],
          ['c2', 's1'],
        ]),
        pinnedContractId: 'c1',
      },
      'resolved',
      'c1',
      null,
    ],
    [
      'a pin to an expired contract',
      {
        contracts: [contract('c1', { endDate: '2026-01-31' }), contract('c2')],
        contractServicesByContract: lines([['c2', 's1']]),
        pinnedContractId: 'c1',
      },
      'pinned_contract_unusable',
      'c1',
      'line.pinnedContractUnusable(Acme)',
    ],
    [
      'a pin to a vanished contract',
      { contracts: [contract('c2')], pinnedContractId: 'c9' },
      'pinned_contract_unusable',
      'c9',
      'line.pinnedContractUnusable(Acme)',
    ],
    [
      'a pin to a contract without the service',
      {
        contracts: [contract('c1'), contract('c2')],
        contractServicesByContract: lines([['c2', 's1']]),
        pinnedContractId: 'c1',
      },
      'service_not_on_contract',
      'c1',
      'line.serviceNotOnContract(Contract c1; Coro Endpoint Security)',
    ],
  ];
  it.each(cases)('%s → %s', (_name, over, expected, contractId, advice) => {
    const result = resolveContractService(input(over));
    if (result.kind === 'resolved') {
      expect('resolved').toBe(expected);
      expect(result.contract.id).toBe(contractId);
      expect(advice).toBeNull();
    } else {
      expect(result.problem).toBe(expected);
      expect(result.contractId).toBe(contractId);
      expect(result.advice).toBe(advice);
    }
  });

  it('hands out the contract service id, or null when the adjustment will create it', () => {
    const held = resolveContractService(
      input({ contracts: [contract('c1')], contractServicesByContract: lines([['c1', 's1']]) }),
    );
    expect(held).toMatchObject({ kind: 'resolved', contractServiceId: 'cs0' });
    const created = resolveContractService(
      input({ contracts: [contract('c1')], allowCreateContractService: true }),
    );
    expect(created).toMatchObject({ kind: 'resolved', contractServiceId: null });
  });
});
