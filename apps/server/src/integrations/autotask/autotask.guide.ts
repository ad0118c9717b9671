/**
 * Autotask's words for the admin: where in Autotask's screens each situation the domain finds is
 * fixed (Companies, Contracts → Services, New Contract → Recurring Service).
 */
import type { PsaGuide } from '../../psa/psa-provider.port.js';

/** "A", "A and B", "A, B and C". */
const listNames = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;

export const autotaskGuide: PsaGuide = {
  psaName: 'Autotask',
  contractCheck: {
    inactiveCompany: ({ companyName }) =>
      `In Autotask, open Companies → ${companyName} and set it Active, or unmap this workspace if the customer has left.`,
    pinnedContractUnusable: ({ companyName }) =>
      `Pin another contract for ${companyName}, remove the pin, or in Autotask reactivate or extend the contract.`,
    noUsableContract: ({ companyName, endedContractName, serviceNames }) =>
      endedContractName !== null
        ? `In Autotask, open Contracts → "${endedContractName}" and extend its end date, or create Contracts → New Contract → Recurring Service for ${companyName}.`
        : `In Autotask, open Contracts → New Contract → Recurring Service for ${companyName}${serviceNames.length > 0 ? ` and add ${listNames(serviceNames)}` : ''}.`,
    severalContracts: ({ companyName }) =>
      `Pin the contract to use for ${companyName} here, or in Autotask end the contracts that should no longer be billed.`,
    duplicateServiceLines: ({ contractName, serviceNames }) =>
      `In Autotask, open Contracts → "${contractName}" → Services and keep only one line for ${listNames(serviceNames)}.`,
    servicesMissing: ({ companyName, contractName, serviceNames }) =>
      `In Autotask, open Contracts → "${contractName}" → Services → Add and add ${listNames(serviceNames)} for ${companyName}.`,
  },
  syncLine: {
    pinnedContractUnusable: ({ companyName }) =>
      `Pin another contract for ${companyName}, remove the pin, or reactivate or extend the contract in Autotask.`,
    noUsableContract: ({ companyName, endedContractName, serviceName }) =>
      endedContractName !== null
        ? `In Autotask, extend "${endedContractName}" or create a Recurring Service contract for ${companyName} with ${serviceName}.`
        : `In Autotask, create a Recurring Service contract for ${companyName} with ${serviceName}.`,
    severalContractsHoldService: ({ companyName, serviceName }) =>
      `Pin the contract to bill for ${companyName}, or in Autotask remove ${serviceName} from the contracts that should not bill it.`,
    duplicateServiceLines: ({ contractName, serviceName }) =>
      `In Autotask, open Contracts → "${contractName}" → Services and keep only one ${serviceName} line.`,
    serviceNotOnContract: ({ contractName, serviceName }) =>
      `In Autotask, open Contracts → "${contractName}" → Services → Add and add ${serviceName}, or allow the sync to add missing services in the billing policy.`,
    serviceOnNoContract: ({ companyName, serviceName }) =>
      `In Autotask, add ${serviceName} to the contract that should bill it, or pin that contract for ${companyName}.`,
  },
};
