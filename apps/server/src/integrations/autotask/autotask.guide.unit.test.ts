import { describe, expect, it } from 'vitest';

import { autotaskGuide } from './autotask.guide.js';
import { createAutotaskProvider } from './autotask.provider.js';

const check = autotaskGuide.contractCheck;
const line = autotaskGuide.syncLine;
const acme = { companyName: 'Acme Corporation' };

describe('autotaskGuide', () => {
  it('names Autotask', () => {
    expect(autotaskGuide.psaName).toBe('Autotask');
  });

  it.each<[string, () => string, string]>([
    [
      'inactive company',
      () => check.inactiveCompany(acme),
      'In Autotask, open Companies → Acme Corporation and set it Active, or unmap this workspace if the customer has left.',
    ],
    [
      'pinned contract unusable',
      () => check.pinnedContractUnusable(acme),
      'Pin another contract for Acme Corporation, remove the pin, or in Autotask reactivate or extend the contract.',
    ],
    [
      'no usable contract, one ended',
      () => check.noUsableContract({ ...acme, endedContractName: 'MSA 2025', serviceNames: ['Coro EDR'] }),
      'In Autotask, open Contracts → "MSA 2025" and extend its end date, or create Contracts → New Contract → Recurring Service for Acme Corporation.',
    ],
    [
      'no usable contract, none ended, three services',
      () =>
        check.noUsableContract({
          ...acme,
          endedContractName: null,
          serviceNames: ['Coro EDR', 'Coro Email', 'Coro Data'],
        }),
      'In Autotask, open Contracts → New Contract → Recurring Service for Acme Corporation and add Coro EDR, Coro Email and Coro Data.',
    ],
    [
      'no usable contract, none ended, no services mapped',
      () => check.noUsableContract({ ...acme, endedContractName: null, serviceNames: [] }),
      'In Autotask, open Contracts → New Contract → Recurring Service for Acme Corporation.',
    ],
    [
      'several contracts',
      () => check.severalContracts(acme),
      'Pin the contract to use for Acme Corporation here, or in Autotask end the contracts that should no longer be billed.',
    ],
    [
      'duplicate service lines',
      () => check.duplicateServiceLines({ contractName: 'MSA', serviceNames: ['Coro EDR', 'Coro Email'] }),
      'In Autotask, open Contracts → "MSA" → Services and keep only one line for Coro EDR and Coro Email.',
    ],
    [
      'services missing',
      () => check.servicesMissing({ ...acme, contractName: 'MSA', serviceNames: ['Coro Email'] }),
      'In Autotask, open Contracts → "MSA" → Services → Add and add Coro Email for Acme Corporation.',
    ],
  ])('contract check: %s', (_name, advise, expected) => {
    expect(advise()).toBe(expected);
  });

  it.each<[string, () => string, string]>([
    [
      'pinned contract unusable',
      () => line.pinnedContractUnusable({ companyName: 'Acme' }),
      'Pin another contract for Acme, remove the pin, or reactivate or extend the contract in Autotask.',
    ],
    [
      'no usable contract, one ended',
      () =>
        line.noUsableContract({
          companyName: 'Acme',
          endedContractName: 'MSA 2025',
          serviceName: 'Coro EDR',
        }),
      'In Autotask, extend "MSA 2025" or create a Recurring Service contract for Acme with Coro EDR.',
    ],
    [
      'no usable contract, none ended',
      () => line.noUsableContract({ companyName: 'Acme', endedContractName: null, serviceName: 'Coro EDR' }),
      'In Autotask, create a Recurring Service contract for Acme with Coro EDR.',
    ],
    [
      'several contracts hold the service',
      () => line.severalContractsHoldService({ companyName: 'Acme', serviceName: 'Coro EDR' }),
      'Pin the contract to bill for Acme, or in Autotask remove Coro EDR from the contracts that should not bill it.',
    ],
    [
      'duplicate service lines',
      () => line.duplicateServiceLines({ contractName: 'MSA', serviceName: 'Coro EDR' }),
      'In Autotask, open Contracts → "MSA" → Services and keep only one Coro EDR line.',
    ],
    [
      'service not on the contract',
      () => line.serviceNotOnContract({ contractName: 'MSA', serviceName: 'Coro EDR' }),
      'In Autotask, open Contracts → "MSA" → Services → Add and add Coro EDR, or allow the sync to add missing services in the billing policy.',
    ],
    [
      'service on no contract',
      () => line.serviceOnNoContract({ companyName: 'Acme', serviceName: 'Coro EDR' }),
      'In Autotask, add Coro EDR to the contract that should bill it, or pin that contract for Acme.',
    ],
  ])('sync line: %s', (_name, advise, expected) => {
    expect(advise()).toBe(expected);
  });

  it('is what the Autotask provider and its connections hand out', async () => {
    const provider = createAutotaskProvider();
    try {
      const connection = provider.connect(
        { username: 'u@example.com', secret: 's', integrationCode: 'c' },
        { connectorId: 'k' },
      );
      expect(provider.guide).toBe(autotaskGuide);
      expect(connection.guide).toBe(autotaskGuide);
      await connection.close();
    } finally {
      await provider.close();
    }
  });
});
