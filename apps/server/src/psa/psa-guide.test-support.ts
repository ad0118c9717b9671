/**
 * A neutral PSA guide for tests outside `integrations/`: its texts name the situation and echo the
 * facts the domain passed, so a test sees which advice was asked for, and with what, without
 * depending on any real PSA's wording.
 */
import type { PsaGuide } from './psa-provider.port.js';

const names = (list: readonly string[]): string => list.join(' + ');

export const testGuide: PsaGuide = {
  psaName: 'TestPSA',
  contractCheck: {
    inactiveCompany: ({ companyName }) => `check.inactiveCompany(${companyName})`,
    pinnedContractUnusable: ({ companyName }) => `check.pinnedContractUnusable(${companyName})`,
    noUsableContract: ({ companyName, endedContractName, serviceNames }) =>
      `check.noUsableContract(${companyName}; ended ${endedContractName ?? '-'}; ${names(serviceNames)})`,
    severalContracts: ({ companyName }) => `check.severalContracts(${companyName})`,
    duplicateServiceLines: ({ contractName, serviceNames }) =>
      `check.duplicateServiceLines(${contractName}; ${names(serviceNames)})`,
    servicesMissing: ({ companyName, contractName, serviceNames }) =>
      `check.servicesMissing(${companyName}; ${contractName}; ${names(serviceNames)})`,
  },
  syncLine: {
    pinnedContractUnusable: ({ companyName }) => `line.pinnedContractUnusable(${companyName})`,
    noUsableContract: ({ companyName, endedContractName, serviceName }) =>
      `line.noUsableContract(${companyName}; ended ${endedContractName ?? '-'}; ${serviceName})`,
    severalContractsHoldService: ({ companyName, serviceName }) =>
      `line.severalContractsHoldService(${companyName}; ${serviceName})`,
    duplicateServiceLines: ({ contractName, serviceName }) =>
      `line.duplicateServiceLines(${contractName}; ${serviceName})`,
    serviceNotOnContract: ({ contractName, serviceName }) =>
      `line.serviceNotOnContract(${contractName}; ${serviceName})`,
    serviceOnNoContract: ({ companyName, serviceName }) =>
      `line.serviceOnNoContract(${companyName}; ${serviceName})`,
  },
};
