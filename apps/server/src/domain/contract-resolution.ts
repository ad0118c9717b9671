/**
 * Which contract service the sync adjusts for one (company, PSA service) on one effective date.
 * Pure. Differs from the connector's contract check (a per-company health view) in that it decides
 * per service: a company with two contracts that split the services between them still syncs, and
 * only the service that sits on both is ambiguous.
 *
 * Rules: a pinned contract wins (and must itself be usable); otherwise the one active
 * recurring-service contract whose window covers the date and holds the service exactly once.
 * What to do in the PSA's screens about a problem comes from the PSA's guide.
 */
import type { PsaContract, PsaContractService, PsaGuide } from '../psa/psa-provider.port.js';

export type Resolution =
  | {
      readonly kind: 'resolved';
      readonly contract: PsaContract;
      /** Null when the service is not on the contract and the adjustment may create it. */
      readonly contractServiceId: string | null;
    }
  | {
      readonly kind: 'problem';
      readonly problem:
        'no_contract' | 'service_not_on_contract' | 'ambiguous_contract' | 'pinned_contract_unusable';
      readonly message: string;
      readonly advice: string;
      readonly contractId: string | null;
    };

export interface ResolutionInput {
  readonly companyName: string;
  readonly psaServiceId: string;
  readonly psaServiceName: string;
  readonly contracts: readonly PsaContract[];
  /** Contract services of (at least) those contracts. */
  readonly contractServicesByContract: ReadonlyMap<string, readonly PsaContractService[]>;
  readonly pinnedContractId: string | null;
  readonly effectiveDate: string;
  readonly allowCreateContractService: boolean;
  /** The connector's PSA: its advice for a problem. */
  readonly guide: PsaGuide;
}

export function isContractUsableOn(contract: PsaContract, day: string): boolean {
  return (
    contract.isActive && contract.isRecurringService && contract.startDate <= day && day <= contract.endDate
  );
}

/** The contract's lines for the service: how many, and the first (loops: runs once per sync line). */
function linesOf(
  input: ResolutionInput,
  contractId: string,
): { readonly count: number; readonly first: PsaContractService | undefined } {
  let count = 0;
  let first: PsaContractService | undefined;
  for (const cs of input.contractServicesByContract.get(contractId) ?? []) {
    if (cs.serviceId !== input.psaServiceId) continue;
    count++;
    first ??= cs;
  }
  return { count, first };
}

function onContract(input: ResolutionInput, contract: PsaContract): Resolution {
  const { count, first } = linesOf(input, contract.id);
  const service = input.psaServiceName;
  if (count === 1 && first) return { kind: 'resolved', contract, contractServiceId: first.id };
  if (count > 1) {
    return {
      kind: 'problem',
      problem: 'ambiguous_contract',
      contractId: contract.id,
      message: `Contract "${contract.name}" holds ${service} ${count} times; the sync will not guess which line to adjust.`,
      advice: input.guide.syncLine.duplicateServiceLines({
        contractName: contract.name,
        serviceName: service,
      }),
    };
  }
  if (input.allowCreateContractService) return { kind: 'resolved', contract, contractServiceId: null };
  return {
    kind: 'problem',
    problem: 'service_not_on_contract',
    contractId: contract.id,
    message: `Contract "${contract.name}" of ${input.companyName} does not hold ${service}.`,
    advice: input.guide.syncLine.serviceNotOnContract({ contractName: contract.name, serviceName: service }),
  };
}

export function resolveContractService(input: ResolutionInput): Resolution {
  const { companyName, psaServiceName: service, effectiveDate: day } = input;
  const advise = input.guide.syncLine;

  if (input.pinnedContractId !== null) {
    const pinned = input.contracts.find((c) => c.id === input.pinnedContractId);
    if (!pinned || !isContractUsableOn(pinned, day)) {
      return {
        kind: 'problem',
        problem: 'pinned_contract_unusable',
        contractId: input.pinnedContractId,
        message: pinned
          ? `The pinned contract "${pinned.name}" is not an active recurring-service contract on ${day}.`
          : `The pinned contract ${input.pinnedContractId} no longer exists for ${companyName}.`,
        advice: advise.pinnedContractUnusable({ companyName }),
      };
    }
    return onContract(input, pinned);
  }

  // The common case (one usable contract, holding the service) allocates nothing but the answer.
  let usableCount = 0;
  let onlyUsable: PsaContract | undefined;
  let holdingCount = 0;
  let onlyHolding: PsaContract | undefined;
  for (const c of input.contracts) {
    if (!isContractUsableOn(c, day)) continue;
    usableCount++;
    onlyUsable ??= c;
    if (linesOf(input, c.id).count > 0) {
      holdingCount++;
      onlyHolding ??= c;
    }
  }
  if (usableCount === 0) {
    const ended = input.contracts
      .filter((c) => c.isRecurringService && c.endDate < day)
      .sort((a, b) => b.endDate.localeCompare(a.endDate))[0];
    return {
      kind: 'problem',
      problem: 'no_contract',
      contractId: null,
      message: ended
        ? `${companyName} has no active recurring-service contract on ${day}: "${ended.name}" ended on ${ended.endDate}.`
        : `${companyName} has no active recurring-service contract on ${day}.`,
      advice: advise.noUsableContract({
        companyName,
        endedContractName: ended?.name ?? null,
        serviceName: service,
      }),
    };
  }
  if (holdingCount === 1 && onlyHolding) return onContract(input, onlyHolding);
  if (holdingCount > 1) {
    const holding = input.contracts.filter(
      (c) => isContractUsableOn(c, day) && linesOf(input, c.id).count > 0,
    );
    return {
      kind: 'problem',
      problem: 'ambiguous_contract',
      contractId: null,
      message: `${companyName} has ${holding.length} active recurring-service contracts holding ${service} (${holding.map((c) => `"${c.name}"`).join(', ')}).`,
      advice: advise.severalContractsHoldService({ companyName, serviceName: service }),
    };
  }
  if (usableCount === 1 && onlyUsable) return onContract(input, onlyUsable);
  return {
    kind: 'problem',
    problem: input.allowCreateContractService ? 'ambiguous_contract' : 'service_not_on_contract',
    contractId: null,
    message: `None of the ${usableCount} active recurring-service contracts of ${companyName} holds ${service}.`,
    advice: advise.serviceOnNoContract({ companyName, serviceName: service }),
  };
}
