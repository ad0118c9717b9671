/**
 * The billing-sync planner: what each (workspace, service) line should do today. Pure: the
 * executor reads Coro's counts, the mappings, the ledger and the PSA's state, and this decides.
 * Dry runs print exactly this; apply runs execute the `adjust` lines of it.
 *
 * Per line, in order: billing policy by workspace status → mapping → usage → PSA read errors
 * → contract resolution → current units → drift from what we last confirmed (manual edit) →
 * delta → guardrails. The first rule that stops a line names why, with advice (the PSA's guide
 * names the PSA and says what to do in its screens).
 *
 * Over 500 lines on purpose: `planSync` is that one chain, read top to bottom, and its steps share
 * the per-run lookups (confirmed units by line, which lines still hold what they filled, catalog
 * prices) that the later passes (left-behind contract services, shared ones refused) read back.
 * The rules that stand alone already live beside it (billing policy, contract resolution, guardrails).
 */
import type { SyncLineKind, SyncProblemCode } from '@coro/contracts';

import type { PsaContract, PsaContractService, PsaError, PsaGuide } from '../psa/psa-provider.port.js';
import { addDays, decideTarget, type BillingPolicy } from './billing-policy.js';
import { resolveContractService } from './contract-resolution.js';
import { checkGuardrails } from './guardrails.js';

export const holdReasons = ['guardrail', 'manual_edit'] as const;
export type HoldReason = (typeof holdReasons)[number];

// `undo_conflict`: an undo run's line whose units changed since the run, not included by the admin.
export const skipReasons = ['status_not_billed', 'unknown_status', 'unmapped_left', 'undo_conflict'] as const;
export type SkipReason = (typeof skipReasons)[number];

export type BillingBasis = 'devices' | 'users';

export interface PlanWorkspace {
  readonly id: string;
  readonly name: string;
  /** Coro child status ('New' | 'Trial' | 'Subscription' | 'Inactive'); anything else is skipped. */
  readonly status: string | null;
  /** Mapped PSA company, or null when the workspace is not mapped. */
  readonly companyId: string | null;
  readonly companyName: string | null;
  readonly pinnedContractId: string | null;
}

export interface PlanService {
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly psaServiceId: string;
  readonly psaServiceName: string;
  readonly basis: BillingBasis;
  /** The PSA catalog's price per unit (used when the contract has no units period to read one from). */
  readonly unitPrice?: number | null;
}

export interface UsageCount {
  readonly devices: number;
  readonly users: number;
}

/** What we last saw the PSA hold for a contract service after our own write or check. */
export interface ConfirmedUnits {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly companyId: string;
  readonly contractId: string;
  readonly psaServiceId: string;
  readonly units: number;
}

export interface UnitsOnDate {
  readonly units: number;
  readonly contractServiceId: string;
  /** Price per unit in force on the date, when the PSA reports it. */
  readonly unitPrice?: number | null;
  /** Units billed at nothing (the price applies above them only); see `PsaUnitsWindow`. */
  readonly includedUnits?: number;
}

export interface PsaView {
  readonly contractsByCompany: ReadonlyMap<string, readonly PsaContract[]>;
  readonly contractServicesByContract: ReadonlyMap<string, readonly PsaContractService[]>;
  /** Units on the line's reference date, by `unitsKey(contractId, psaServiceId)`. */
  readonly unitsByKey: ReadonlyMap<string, UnitsOnDate>;
  /** Read failures: lines of these companies / contracts become `psa_error`. */
  readonly companyErrors: ReadonlyMap<string, PsaError>;
  readonly contractErrors: ReadonlyMap<string, PsaError>;
}

export interface PlanInput {
  /** The connector's local "today": the date adjustments take effect. */
  readonly effectiveDate: string;
  readonly policy: BillingPolicy;
  readonly workspaces: readonly PlanWorkspace[];
  /** Mapped services only. */
  readonly services: readonly PlanService[];
  /** Counts by workspace id then service key. A workspace absent here has no data for the day. */
  readonly usage: ReadonlyMap<string, ReadonlyMap<string, UsageCount>>;
  readonly psa: PsaView;
  readonly confirmed: readonly ConfirmedUnits[];
  /**
   * Latest effective date of an adjustment our ledger knows as applied, by unitsKey, when it is on
   * or after `effectiveDate`. The PSA refuses a second adjustment for the same service and date,
   * so a further change goes to the next free day (ADR 0005).
   */
  readonly appliedDates: ReadonlyMap<string, string>;
  /** The connector's PSA: its name and its advice. */
  readonly guide: PsaGuide;
}

export interface PlannedLine {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly psaServiceId: string | null;
  readonly companyId: string | null;
  readonly contractId: string | null;
  readonly contractName: string | null;
  /** Null when the adjustment will create the contract service. */
  readonly contractServiceId: string | null;
  readonly kind: SyncLineKind;
  readonly problem: SyncProblemCode | null;
  readonly holdReason: HoldReason | null;
  readonly skipReason: SkipReason | null;
  readonly currentUnits: number | null;
  readonly targetUnits: number | null;
  readonly delta: number | null;
  readonly lastConfirmedUnits: number | null;
  readonly effectiveDate: string | null;
  /** True when today's adjustment already exists and this change takes effect on a later day. */
  readonly isDeferred: boolean;
  /** True for a line kept only because its mapping was removed (policy `onUnmap`). */
  readonly isUnmapped: boolean;
  readonly message: string;
  readonly advice: string | null;
  /**
   * Price per unit per month on the resolved contract service (the PSA's units period), else the
   * service's catalog price; null when the PSA reports neither. For the money impact only.
   */
  readonly unitPrice: number | null;
}

export const unitsKey = (contractId: string, psaServiceId: string): string => `${contractId}:${psaServiceId}`;

type LineBase = Pick<PlannedLine, 'workspaceId' | 'workspaceName' | 'serviceKey' | 'serviceName'>;

type Located = Pick<
  PlannedLine,
  'psaServiceId' | 'companyId' | 'contractId' | 'contractName' | 'contractServiceId'
>;

type LineFields = Pick<PlannedLine, 'kind' | 'message'> &
  Partial<Omit<PlannedLine, keyof LineBase | 'kind' | 'message'>>;

/** "an …" or "a …" by the first letter, which is right for the PSA names we know. */
const withArticle = (name: string): string => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;

const either = <T>(own: T | undefined, from: T | undefined): T | null =>
  own !== undefined ? own : (from ?? null);

/**
 * Every line gets all its fields in one order and without object spreads: one hidden class and
 * no per-line property copying. A big channel plans tens of thousands of lines per run, and
 * spreading defaults into each line allocated ~20× the line's own size (bench/sync.bench.ts).
 * `f` wins over `located`, which wins over null.
 */
function makeLine(base: LineBase, located: Partial<Located> | null, f: LineFields): PlannedLine {
  return {
    workspaceId: base.workspaceId,
    workspaceName: base.workspaceName,
    serviceKey: base.serviceKey,
    serviceName: base.serviceName,
    psaServiceId: either(f.psaServiceId, located?.psaServiceId),
    companyId: either(f.companyId, located?.companyId),
    contractId: either(f.contractId, located?.contractId),
    contractName: either(f.contractName, located?.contractName),
    contractServiceId: either(f.contractServiceId, located?.contractServiceId),
    kind: f.kind,
    problem: f.problem ?? null,
    holdReason: f.holdReason ?? null,
    skipReason: f.skipReason ?? null,
    currentUnits: f.currentUnits ?? null,
    targetUnits: f.targetUnits ?? null,
    delta: f.delta ?? null,
    lastConfirmedUnits: f.lastConfirmedUnits ?? null,
    effectiveDate: f.effectiveDate ?? null,
    isDeferred: f.isDeferred ?? false,
    isUnmapped: f.isUnmapped ?? false,
    message: f.message,
    advice: f.advice ?? null,
    unitPrice: f.unitPrice ?? null,
  };
}

function problemLine(
  base: LineBase,
  located: Partial<Located> | null,
  problem: SyncProblemCode,
  message: string,
  advice: string,
  extra: Pick<PlannedLine, 'targetUnits' | 'isUnmapped'> | null = null,
): PlannedLine {
  return makeLine(base, located, {
    kind: 'problem',
    problem,
    message,
    advice,
    targetUnits: extra?.targetUnits ?? null,
    isUnmapped: extra?.isUnmapped ?? false,
  });
}

function psaErrorLine(
  psaName: string,
  base: LineBase,
  located: Partial<Located>,
  error: PsaError,
  extra: Pick<PlannedLine, 'targetUnits' | 'isUnmapped'> | null = null,
): PlannedLine {
  return problemLine(
    base,
    located,
    'psa_error',
    `${psaName} could not be read: ${error.message}`,
    error.advice,
    extra,
  );
}

export function planSync(input: PlanInput): PlannedLine[] {
  const { policy, effectiveDate, psa, guide } = input;
  const { psaName } = guide;
  const lines: PlannedLine[] = [];
  const confirmedByLine = new Map(input.confirmed.map((c) => [`${c.workspaceId}|${c.serviceKey}`, c]));
  const claimed = new Set<string>();
  const catalogPrices = new Map(
    input.services.flatMap((s) => (s.unitPrice == null ? [] : [[s.psaServiceId, s.unitPrice] as const])),
  );

  /** Current → target on a resolved contract service: unchanged, adjust, or held. */
  const decideChange = (
    base: LineBase,
    located: Pick<
      PlannedLine,
      'psaServiceId' | 'companyId' | 'contractId' | 'contractName' | 'contractServiceId'
    >,
    target: number,
    confirmed: ConfirmedUnits | undefined,
    isUnmapped: boolean,
    message: string,
  ): PlannedLine => {
    const contractId = located.contractId ?? '';
    const key = unitsKey(contractId, located.psaServiceId ?? '');
    const contractError = psa.contractErrors.get(contractId);
    if (contractError)
      return psaErrorLine(psaName, base, located, contractError, { targetUnits: target, isUnmapped });
    const read = psa.unitsByKey.get(key);
    if (read === undefined && isUnmapped) {
      return makeLine(base, located, {
        kind: 'skipped',
        skipReason: 'unmapped_left',
        isUnmapped,
        lastConfirmedUnits: confirmed?.units ?? null,
        message: `No longer mapped here, and the contract has no units period on ${effectiveDate}: nothing to change.`,
      });
    }
    if (read === undefined && located.contractServiceId !== null) {
      return problemLine(
        base,
        located,
        'psa_error',
        `${psaName} has no units period covering ${effectiveDate} for this contract service.`,
        `Check the contract dates and billing periods in ${psaName}; the sync tries again on its next run.`,
        { targetUnits: target, isUnmapped },
      );
    }
    const current = read?.units ?? 0;
    const lastConfirmed =
      confirmed &&
      confirmed.contractId === located.contractId &&
      confirmed.psaServiceId === located.psaServiceId
        ? confirmed.units
        : null;
    const appliedDate = input.appliedDates.get(key);
    const isDeferred = appliedDate !== undefined && appliedDate >= effectiveDate;
    const date = isDeferred ? addDays(appliedDate, 1) : effectiveDate;
    const contractServiceId = read?.contractServiceId ?? located.contractServiceId;
    // Money impact is delta × price; with included units the billed delta is
    // max(0, target − included) − max(0, current − included), which that product does not know.
    // No price beats a wrong one (the impact counts the line as unpriced), and the catalog price
    // must not stand in for it either.
    const unitPrice =
      (read?.includedUnits ?? 0) > 0
        ? null
        : (read?.unitPrice ?? catalogPrices.get(located.psaServiceId ?? '') ?? null);
    const delta = target - current;
    /** A line on the resolved contract service; only what differs between outcomes is passed. */
    const resolved = (
      kind: 'unchanged' | 'held' | 'adjust',
      onDate: string,
      message: string,
      extra: Partial<Pick<PlannedLine, 'problem' | 'holdReason' | 'advice'>> | null = null,
    ): PlannedLine =>
      makeLine(base, located, {
        contractServiceId,
        currentUnits: current,
        targetUnits: target,
        delta,
        lastConfirmedUnits: lastConfirmed,
        isUnmapped,
        effectiveDate: onDate,
        isDeferred: kind !== 'unchanged' && isDeferred,
        kind,
        message,
        problem: extra?.problem ?? null,
        holdReason: extra?.holdReason ?? null,
        advice: extra?.advice ?? null,
        unitPrice,
      });
    if (current === target) {
      // The date the units were compared on: today, or the later date an earlier adjustment took.
      const asOf = isDeferred ? appliedDate : effectiveDate;
      return resolved('unchanged', asOf, `${message} ${psaName} already holds ${target} on ${asOf}.`);
    }
    const deferredNote = isDeferred
      ? ` Today's adjustment for this service already exists, so this one takes effect on ${date}.`
      : '';
    const isManualEdit = lastConfirmed !== null && lastConfirmed !== current;
    if (isManualEdit && policy.onManualEdit === 'hold') {
      return resolved(
        'held',
        date,
        `${psaName} holds ${current} units but the sync last confirmed ${lastConfirmed}: someone changed them by hand.`,
        {
          problem: 'manual_edit_detected',
          holdReason: 'manual_edit',
          advice: `Approve to set ${target} units (${signed(delta)}), or leave it held and check the change with whoever edited the contract.`,
        },
      );
    }
    const editNote = isManualEdit ? ` Overwriting a manual edit (last confirmed ${lastConfirmed}).` : '';
    const guard = checkGuardrails(policy.guardrails, current, target);
    if (guard.isHeld) {
      return resolved(
        'held',
        date,
        `${current} → ${target} (${signed(delta)}) waits for approval. ${guard.message}${editNote}`,
        {
          problem: isManualEdit ? 'manual_edit_detected' : null,
          holdReason: 'guardrail',
          advice: 'Check the counts in Coro, then approve the line to apply it.',
        },
      );
    }
    return resolved(
      'adjust',
      date,
      `${message} ${current} → ${target} (${signed(delta)}).${deferredNote}${editNote}`,
      { problem: isManualEdit ? 'manual_edit_detected' : null },
    );
  };

  for (const workspace of input.workspaces) {
    for (const service of input.services) {
      const base: LineBase = {
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        serviceKey: service.serviceKey,
        serviceName: service.serviceName,
      };
      const lineKey = `${workspace.id}|${service.serviceKey}`;
      const confirmed = confirmedByLine.get(lineKey);
      // A previously filled contract service stays this line's business while the mapping is the
      // same; only a removed or changed mapping hands it to the `onUnmap` policy below.
      if (
        confirmed &&
        confirmed.companyId === workspace.companyId &&
        confirmed.psaServiceId === service.psaServiceId
      ) {
        claimed.add(lineKey);
      }
      const usage = input.usage.get(workspace.id);
      const counted = usage ? (usage.get(service.serviceKey)?.[service.basis] ?? 0) : 0;
      const decision = decideTarget(policy, workspace.status, counted);
      if (decision.kind === 'skip') {
        lines.push(
          makeLine(base, null, {
            psaServiceId: service.psaServiceId,
            companyId: workspace.companyId,
            kind: 'skipped',
            skipReason: decision.reason,
            message:
              decision.reason === 'status_not_billed'
                ? `${workspace.status ?? ''} workspaces are not billed (billing policy).`
                : 'The workspace has no billing status.',
          }),
        );
        continue;
      }
      if (workspace.companyId === null) {
        lines.push(
          problemLine(
            base,
            { psaServiceId: service.psaServiceId },
            'unmapped_company',
            `${workspace.name} is not mapped to ${withArticle(psaName)} company.`,
            `Map ${workspace.name} to its ${psaName} company on the workspace mapping page.`,
          ),
        );
        continue;
      }
      const located0 = { psaServiceId: service.psaServiceId, companyId: workspace.companyId };
      if (decision.reason === 'billed' && !usage) {
        lines.push(
          problemLine(
            base,
            located0,
            'no_usage',
            `Coro has no counts for ${workspace.name} on ${effectiveDate}.`,
            'Nothing is changed until Coro reports usage for this workspace; check the usage feed.',
          ),
        );
        continue;
      }
      const companyError = psa.companyErrors.get(workspace.companyId);
      if (companyError) {
        lines.push(psaErrorLine(psaName, base, located0, companyError));
        continue;
      }
      const resolution = resolveContractService({
        companyName: workspace.companyName ?? workspace.name,
        psaServiceId: service.psaServiceId,
        psaServiceName: service.psaServiceName,
        contracts: psa.contractsByCompany.get(workspace.companyId) ?? [],
        contractServicesByContract: psa.contractServicesByContract,
        pinnedContractId: workspace.pinnedContractId,
        effectiveDate,
        allowCreateContractService: policy.allowCreateContractService,
        guide,
      });
      if (resolution.kind === 'problem') {
        lines.push(
          problemLine(
            base,
            {
              psaServiceId: service.psaServiceId,
              companyId: workspace.companyId,
              contractId: resolution.contractId,
            },
            resolution.problem,
            resolution.message,
            resolution.advice,
          ),
        );
        continue;
      }
      const located: Located = {
        psaServiceId: service.psaServiceId,
        companyId: workspace.companyId,
        contractId: resolution.contract.id,
        contractName: resolution.contract.name,
        contractServiceId: resolution.contractServiceId,
      };
      if (confirmed && confirmed.contractId !== located.contractId) claimed.delete(lineKey);
      const why =
        decision.reason === 'zeroed_by_status'
          ? `${workspace.status ?? ''} workspace: billed at 0 (billing policy).`
          : `${counted} ${service.basis} counted.`;
      lines.push(decideChange(base, located, decision.units, confirmed, false, why));
    }
  }

  // Contract services we filled before whose (workspace, service) no longer leads to them.
  for (const c of input.confirmed) {
    if (claimed.has(`${c.workspaceId}|${c.serviceKey}`)) continue;
    const base: LineBase = {
      workspaceId: c.workspaceId,
      workspaceName: c.workspaceName,
      serviceKey: c.serviceKey,
      serviceName: c.serviceName,
    };
    const located = {
      psaServiceId: c.psaServiceId,
      companyId: c.companyId,
      contractId: c.contractId,
      contractName: null,
      contractServiceId: null,
    };
    if (policy.onUnmap === 'leave') {
      lines.push(
        makeLine(base, located, {
          kind: 'skipped',
          skipReason: 'unmapped_left',
          isUnmapped: true,
          lastConfirmedUnits: c.units,
          message: `No longer mapped here; its ${psaName} units (last ${c.units}) are left as they are (billing policy).`,
        }),
      );
      continue;
    }
    lines.push(decideChange(base, located, 0, c, true, 'No longer mapped here: set to 0 (billing policy).'));
  }
  return refuseSharedContractServices(lines, psaName);
}

/**
 * Two lines that would write the same contract service (two workspaces mapped to one company, or a
 * remap racing an unmap) would fight each other; neither is applied.
 */
function refuseSharedContractServices(lines: PlannedLine[], psaName: string): PlannedLine[] {
  const writers = new Map<string, number>();
  const writes = (l: PlannedLine): boolean =>
    (l.kind === 'adjust' || l.kind === 'held' || l.kind === 'unchanged') && l.contractId !== null;
  for (const l of lines) {
    if (!writes(l)) continue;
    const key = unitsKey(l.contractId ?? '', l.psaServiceId ?? '');
    writers.set(key, (writers.get(key) ?? 0) + 1);
  }
  return lines.map((l) => {
    if (!writes(l) || (writers.get(unitsKey(l.contractId ?? '', l.psaServiceId ?? '')) ?? 0) < 2) return l;
    return makeLine(l, l, {
      ...l,
      kind: 'problem',
      problem: 'ambiguous_contract',
      holdReason: null,
      message: `Several workspaces lead to the same ${l.serviceName} line of contract ${l.contractName ?? l.contractId ?? ''}; none of them is applied.`,
      advice: `Map each ${psaName} company to one Coro workspace only (or pin different contracts).`,
    });
  });
}

export const signed = (n: number): string => (n > 0 ? `+${n}` : `${n}`);
