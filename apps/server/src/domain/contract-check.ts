/**
 * Contract check: for one mapped company, which PSA contract the sync would adjust and whether
 * each mapped service sits on it exactly once. Pure: the caller reads contracts through the PSA port
 * and stores the result; what to do in the PSA's screens comes from the PSA's guide.
 *
 * Resolution rules (peers §4.1): a pin wins; otherwise only active recurring-service contracts whose
 * date window covers `today` count; several of those narrow to the ones holding a mapped service;
 * anything still not unique is `ambiguous` and never guessed.
 */
import type { PsaGuide } from '../psa/psa-provider.port.js';

export const contractCheckStatuses = [
  'ok',
  'no_contract',
  'service_missing',
  'ambiguous',
  'inactive_company',
] as const;
export type ContractCheckStatus = (typeof contractCheckStatuses)[number];

export const serviceCheckStatuses = ['ok', 'missing', 'duplicate'] as const;
export type ServiceCheckStatus = (typeof serviceCheckStatuses)[number];

export interface CheckCompany {
  readonly id: string;
  readonly name: string;
  /** False when the company is inactive in the PSA or no longer exists there. */
  readonly isActive: boolean;
}

export interface CheckContract {
  readonly id: string;
  readonly name: string;
  readonly isRecurringService: boolean;
  readonly isActive: boolean;
  /** YYYY-MM-DD */
  readonly startDate: string;
  /** YYYY-MM-DD */
  readonly endDate: string;
}

export interface CheckContractService {
  readonly id: string;
  readonly contractId: string;
  readonly serviceId: string;
}

export interface CheckMappedService {
  readonly serviceKey: string;
  /** Coro's name, for messages. */
  readonly serviceName: string;
  readonly psaServiceId: string;
  /** The PSA's name, for advice the admin follows in the PSA. */
  readonly psaServiceName: string;
}

export interface ContractCheckInput {
  readonly company: CheckCompany;
  /** Every contract of the company, in any state. */
  readonly contracts: readonly CheckContract[];
  /** Contract services of those contracts. */
  readonly contractServices: readonly CheckContractService[];
  readonly mappedServices: readonly CheckMappedService[];
  readonly pinnedContractId: string | null;
  /** YYYY-MM-DD */
  readonly today: string;
  /** The connector's PSA: its name and its advice. */
  readonly guide: PsaGuide;
}

export interface ServiceCheck {
  readonly serviceKey: string;
  readonly psaServiceId: string;
  readonly status: ServiceCheckStatus;
  /** Set when the service is on the contract exactly once. */
  readonly contractServiceId: string | null;
}

export interface ContractCheckResult {
  readonly status: ContractCheckStatus;
  /** The contract the sync would adjust; null unless it is unique. */
  readonly contractId: string | null;
  readonly contractName: string | null;
  readonly isPinned: boolean;
  /** Contracts that compete (ambiguous) or that were considered, for the UI's pin picker. */
  readonly candidateContractIds: readonly string[];
  readonly services: readonly ServiceCheck[];
  /** One sentence: what is wrong (or "Ready to sync"). */
  readonly message: string;
  /** What to do in the PSA (or here) to fix it; null when nothing is needed. */
  readonly advice: string | null;
}

export function isContractUsable(contract: CheckContract, today: string): boolean {
  return (
    contract.isActive &&
    contract.isRecurringService &&
    contract.startDate <= today &&
    today <= contract.endDate
  );
}

const listNames = (names: readonly string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;

export function evaluateContractCheck(input: ContractCheckInput): ContractCheckResult {
  const { company, contracts, contractServices, mappedServices, pinnedContractId, today, guide } = input;
  const advise = guide.contractCheck;
  const base = { isPinned: pinnedContractId !== null, services: [] as ServiceCheck[] };

  if (!company.isActive) {
    return {
      ...base,
      status: 'inactive_company',
      contractId: null,
      contractName: null,
      candidateContractIds: [],
      message: `${company.name} is inactive in ${guide.psaName}, so nothing will be billed to it.`,
      advice: advise.inactiveCompany({ companyName: company.name }),
    };
  }

  const servicesOf = (contractId: string): CheckContractService[] =>
    contractServices.filter((cs) => cs.contractId === contractId);
  const holdsMappedService = (contractId: string): boolean =>
    servicesOf(contractId).some((cs) => mappedServices.some((m) => m.psaServiceId === cs.serviceId));

  let chosen: CheckContract;
  if (pinnedContractId !== null) {
    const pinned = contracts.find((c) => c.id === pinnedContractId);
    if (!pinned || !isContractUsable(pinned, today)) {
      return {
        ...base,
        status: 'no_contract',
        contractId: null,
        contractName: pinned?.name ?? null,
        candidateContractIds: contracts.filter((c) => isContractUsable(c, today)).map((c) => c.id),
        message: pinned
          ? `The pinned contract "${pinned.name}" is not an active recurring-service contract today (${pinned.startDate} to ${pinned.endDate}).`
          : `The pinned contract ${pinnedContractId} no longer exists for ${company.name}.`,
        advice: advise.pinnedContractUnusable({ companyName: company.name }),
      };
    }
    chosen = pinned;
  } else {
    const usable = contracts.filter((c) => isContractUsable(c, today));
    if (usable.length === 0) {
      const ended = contracts
        .filter((c) => c.isRecurringService && c.endDate < today)
        .sort((a, b) => b.endDate.localeCompare(a.endDate))[0];
      return {
        ...base,
        status: 'no_contract',
        contractId: null,
        contractName: null,
        candidateContractIds: [],
        message: ended
          ? `${company.name} has no active recurring-service contract: "${ended.name}" ended on ${ended.endDate}.`
          : `${company.name} has no active recurring-service contract.`,
        advice: advise.noUsableContract({
          companyName: company.name,
          endedContractName: ended?.name ?? null,
          serviceNames: mappedServices.map((m) => m.psaServiceName),
        }),
      };
    }
    const narrowed = usable.length > 1 ? usable.filter((c) => holdsMappedService(c.id)) : usable;
    const only = narrowed.length === 1 ? narrowed[0] : undefined;
    if (!only) {
      const competing = narrowed.length > 1 ? narrowed : usable;
      return {
        ...base,
        status: 'ambiguous',
        contractId: null,
        contractName: null,
        candidateContractIds: competing.map((c) => c.id),
        message: `${company.name} has ${competing.length} active recurring-service contracts (${listNames(competing.map((c) => `"${c.name}"`))}); the sync will not guess which one to adjust.`,
        advice: advise.severalContracts({ companyName: company.name }),
      };
    }
    chosen = only;
  }

  const services: ServiceCheck[] = mappedServices.map((m) => {
    const lines = servicesOf(chosen.id).filter((cs) => cs.serviceId === m.psaServiceId);
    const status: ServiceCheckStatus =
      lines.length === 0 ? 'missing' : lines.length === 1 ? 'ok' : 'duplicate';
    return {
      serviceKey: m.serviceKey,
      psaServiceId: m.psaServiceId,
      status,
      contractServiceId: lines.length === 1 ? (lines[0]?.id ?? null) : null,
    };
  });
  const nameOf = (key: string): string =>
    mappedServices.find((m) => m.serviceKey === key)?.psaServiceName ?? key;
  const duplicates = services.filter((s) => s.status === 'duplicate').map((s) => nameOf(s.serviceKey));
  const missing = services.filter((s) => s.status === 'missing').map((s) => nameOf(s.serviceKey));
  const common = {
    contractId: chosen.id,
    contractName: chosen.name,
    candidateContractIds: [chosen.id],
    services,
  };

  if (duplicates.length > 0) {
    return {
      ...base,
      ...common,
      status: 'ambiguous',
      message: `Contract "${chosen.name}" holds ${listNames(duplicates)} more than once; the sync will not guess which line to adjust.`,
      advice: advise.duplicateServiceLines({ contractName: chosen.name, serviceNames: duplicates }),
    };
  }
  if (missing.length > 0) {
    return {
      ...base,
      ...common,
      status: 'service_missing',
      message: `Contract "${chosen.name}" does not hold ${listNames(missing)}.`,
      advice: advise.servicesMissing({
        companyName: company.name,
        contractName: chosen.name,
        serviceNames: missing,
      }),
    };
  }
  return {
    ...base,
    ...common,
    status: 'ok',
    message: `Ready to sync to contract "${chosen.name}".`,
    advice: null,
  };
}
