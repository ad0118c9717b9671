/**
 * ConnectWise PSA's words for the admin: where in ConnectWise PSA's screens each situation the domain finds is
 * fixed (Companies, Finance › Agreements › Additions, a new Agreement with a billing cycle).
 */
import type { PsaGuide } from '../../psa/psa-provider.port.js';

/** "A", "A and B", "A, B and C". */
const listNames = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;

export const connectwiseGuide: PsaGuide = {
  psaName: 'ConnectWise PSA',
  contractCheck: {
    inactiveCompany: ({ companyName }) =>
      `In ConnectWise PSA, open Companies › ${companyName} and set its status to Active, or unmap this workspace if the customer has left.`,
    pinnedContractUnusable: ({ companyName }) =>
      `Pin another contract for ${companyName}, remove the pin, or in ConnectWise PSA reactivate or extend the agreement.`,
    noUsableContract: ({ companyName, endedContractName, serviceNames }) =>
      endedContractName !== null
        ? `In ConnectWise PSA, open Finance › Agreements › "${endedContractName}" and extend its end date, or create Finance › Agreements › New Agreement (with a billing cycle) for ${companyName}.`
        : `In ConnectWise PSA, open Finance › Agreements › New Agreement (with a billing cycle) for ${companyName}${serviceNames.length > 0 ? ` and add ${listNames(serviceNames)}` : ''}.`,
    severalContracts: ({ companyName }) =>
      `Pin the contract to use for ${companyName} here, or in ConnectWise PSA cancel the agreements that should no longer be billed.`,
    duplicateServiceLines: ({ contractName, serviceNames }) =>
      `In ConnectWise PSA, open Finance › Agreements › "${contractName}" › Additions and cancel all but one addition of ${listNames(serviceNames)}.`,
    servicesMissing: ({ companyName, contractName, serviceNames }) =>
      `In ConnectWise PSA, open Finance › Agreements › "${contractName}" › Additions › New and add ${listNames(serviceNames)} for ${companyName}.`,
  },
  syncLine: {
    pinnedContractUnusable: ({ companyName }) =>
      `Pin another contract for ${companyName}, remove the pin, or reactivate or extend the agreement in ConnectWise PSA.`,
    noUsableContract: ({ companyName, endedContractName, serviceName }) =>
      endedContractName !== null
        ? `In ConnectWise PSA, extend "${endedContractName}" or create an agreement with a billing cycle for ${companyName} with ${serviceName}.`
        : `In ConnectWise PSA, create an agreement with a billing cycle for ${companyName} with ${serviceName}.`,
    severalContractsHoldService: ({ companyName, serviceName }) =>
      `Pin the contract to bill for ${companyName}, or in ConnectWise PSA remove ${serviceName} from the agreements that should not bill it.`,
    duplicateServiceLines: ({ contractName, serviceName }) =>
      `In ConnectWise PSA, open Finance › Agreements › "${contractName}" › Additions and cancel all but one ${serviceName} addition.`,
    serviceNotOnContract: ({ contractName, serviceName }) =>
      `In ConnectWise PSA, open Finance › Agreements › "${contractName}" › Additions › New and add ${serviceName}, or allow the sync to add missing services in the billing policy.`,
    serviceOnNoContract: ({ companyName, serviceName }) =>
      `In ConnectWise PSA, add ${serviceName} to the agreement that should bill it, or pin that contract for ${companyName}.`,
  },
};
