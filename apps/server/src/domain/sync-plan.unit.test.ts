import { describe, expect, it } from 'vitest';

import { testGuide } from '../psa/psa-guide.test-support.js';
import type { PsaContract, PsaContractService } from '../psa/psa-provider.port.js';
import { defaultBillingPolicy, type BillingPolicy } from './billing-policy.js';
import {
  planSync,
  unitsKey,
  type ConfirmedUnits,
  type PlanInput,
  type PlannedLine,
  type PlanWorkspace,
  type UsageCount,
} from './sync-plan.js';

const day = '2026-11-27';
const policy: BillingPolicy = {
  ...defaultBillingPolicy,
  guardrails: { maxUnitChange: 100, maxPercentChange: null, maxPercentDecrease: null },
};
const contract: PsaContract = {
  id: 'c1',
  companyId: 'co1',
  name: 'Managed Security',
  isRecurringService: true,
  isActive: true,
  startDate: '2026-01-01',
  endDate: '2027-12-31',
};
const contractService: PsaContractService = { id: 'cs1', contractId: 'c1', serviceId: 's1' };
const workspace: PlanWorkspace = {
  id: 'w1',
  name: 'Acme',
  status: 'Subscription',
  companyId: 'co1',
  companyName: 'Acme Corp',
  pinnedContractId: null,
};
const confirmed: ConfirmedUnits = {
  workspaceId: 'w1',
  workspaceName: 'Acme',
  serviceKey: 'endpoint_security',
  serviceName: 'Endpoint Security',
  companyId: 'co1',
  contractId: 'c1',
  psaServiceId: 's1',
  units: 10,
};

interface Scenario {
  workspace?: Partial<PlanWorkspace>;
  usage?: UsageCount | null;
  current?: number | null;
  confirmed?: Partial<ConfirmedUnits> | null;
  policy?: Partial<BillingPolicy>;
  contracts?: PsaContract[];
  contractServices?: PsaContractService[];
  appliedDate?: string;
  companyError?: boolean;
  contractError?: boolean;
  read?: { unitPrice?: number | null; includedUnits?: number };
}

function planInputOf(s: Scenario): PlanInput {
  const usage = s.usage === null ? undefined : (s.usage ?? { devices: 12, users: 30 });
  const current = s.current === undefined ? 10 : s.current;
  const error = {
    code: 'unavailable' as const,
    message: 'The PSA is unavailable.',
    advice: 'Try again later.',
  };
  const contractServices = s.contractServices ?? [contractService];
  const input: PlanInput = {
    effectiveDate: day,
    policy: { ...policy, ...s.policy },
    workspaces: [{ ...workspace, ...s.workspace }],
    services: [
      {
        serviceKey: 'endpoint_security',
        serviceName: 'Endpoint Security',
        psaServiceId: 's1',
        psaServiceName: 'Coro Endpoint Security',
        basis: 'devices',
      },
    ],
    usage: new Map(usage ? [['w1', new Map([['endpoint_security', usage]])]] : []),
    psa: {
      contractsByCompany: new Map([['co1', s.contracts ?? [contract]]]),
      contractServicesByContract: new Map([
        ['c1', contractServices.filter((c) => c.contractId === 'c1')],
        ['c2', contractServices.filter((c) => c.contractId === 'c2')],
      ]),
      unitsByKey: new Map(
        current === null
          ? []
          : [[unitsKey('c1', 's1'), { units: current, contractServiceId: 'cs1', ...s.read }]],
      ),
      companyErrors: new Map(s.companyError ? [['co1', error]] : []),
      contractErrors: new Map(s.contractError ? [['c1', error]] : []),
    },
    confirmed: s.confirmed === null ? [] : [{ ...confirmed, ...s.confirmed }],
    appliedDates: new Map(s.appliedDate ? [[unitsKey('c1', 's1'), s.appliedDate]] : []),
    guide: testGuide,
  };
  return input;
}

const plan = (s: Scenario): PlannedLine[] => planSync(planInputOf(s));

type Expect = Partial<
  Pick<
    PlannedLine,
    | 'kind'
    | 'problem'
    | 'holdReason'
    | 'skipReason'
    | 'currentUnits'
    | 'targetUnits'
    | 'delta'
    | 'effectiveDate'
    | 'isDeferred'
    | 'isUnmapped'
  >
>;

const cases: [string, Scenario, Expect][] = [
  [
    'first sync (nothing confirmed yet) raises units',
    { confirmed: null },
    { kind: 'adjust', currentUnits: 10, targetUnits: 12, delta: 2, effectiveDate: day, problem: null },
  ],
  [
    'counts already in the PSA',
    { usage: { devices: 10, users: 1 } },
    { kind: 'unchanged', delta: 0, effectiveDate: day },
  ],
  ['increase', { current: 10 }, { kind: 'adjust', delta: 2 }],
  [
    'decrease',
    { usage: { devices: 4, users: 0 } },
    { kind: 'adjust', currentUnits: 10, targetUnits: 4, delta: -6 },
  ],
  [
    'decrease to zero devices',
    { usage: { devices: 0, users: 9 } },
    { kind: 'adjust', targetUnits: 0, delta: -10 },
  ],
  [
    "service absent from the day's usage counts 0",
    { usage: { devices: 0, users: 0 } },
    { kind: 'adjust', targetUnits: 0 },
  ],
  [
    'trial is not billed',
    { workspace: { status: 'Trial' } },
    { kind: 'skipped', skipReason: 'status_not_billed' },
  ],
  [
    'new is not billed',
    { workspace: { status: 'New' } },
    { kind: 'skipped', skipReason: 'status_not_billed' },
  ],
  [
    'inactive goes to zero',
    { workspace: { status: 'Inactive' }, usage: null },
    { kind: 'adjust', targetUnits: 0, delta: -10 },
  ],
  [
    'trial billed when the policy says so',
    { workspace: { status: 'Trial' }, policy: { statusBilling: { ...policy.statusBilling, Trial: 'bill' } } },
    { kind: 'adjust', targetUnits: 12 },
  ],
  [
    'unmapped company',
    { workspace: { companyId: null }, confirmed: null },
    { kind: 'problem', problem: 'unmapped_company' },
  ],
  ['no usage for the day', { usage: null }, { kind: 'problem', problem: 'no_usage' }],
  ['no contract', { contracts: [] }, { kind: 'problem', problem: 'no_contract' }],
  [
    'only an expired contract',
    { contracts: [{ ...contract, endDate: '2026-06-30' }] },
    { kind: 'problem', problem: 'no_contract' },
  ],
  [
    'service not on the contract',
    { contractServices: [], current: null, confirmed: null },
    { kind: 'problem', problem: 'service_not_on_contract' },
  ],
  [
    'service created by the adjustment when allowed',
    { contractServices: [], current: null, confirmed: null, policy: { allowCreateContractService: true } },
    { kind: 'adjust', currentUnits: 0, targetUnits: 12, delta: 12 },
  ],
  [
    'two contracts hold the service',
    {
      contracts: [contract, { ...contract, id: 'c2', name: 'Other' }],
      contractServices: [contractService, { id: 'cs2', contractId: 'c2', serviceId: 's1' }],
    },
    { kind: 'problem', problem: 'ambiguous_contract' },
  ],
  [
    'the pin settles two contracts',
    {
      workspace: { pinnedContractId: 'c1' },
      contracts: [contract, { ...contract, id: 'c2' }],
      contractServices: [contractService, { id: 'cs2', contractId: 'c2', serviceId: 's1' }],
    },
    { kind: 'adjust', delta: 2 },
  ],
  ['no units period on the date', { current: null }, { kind: 'problem', problem: 'psa_error' }],
  ['company read failed', { companyError: true }, { kind: 'problem', problem: 'psa_error' }],
  ['units read failed', { contractError: true }, { kind: 'problem', problem: 'psa_error' }],
  [
    'manual edit held',
    { current: 15, confirmed: { units: 10 } },
    { kind: 'held', holdReason: 'manual_edit', problem: 'manual_edit_detected', delta: -3 },
  ],
  [
    'manual edit overwritten by policy',
    { current: 15, policy: { onManualEdit: 'overwrite' } },
    { kind: 'adjust', problem: 'manual_edit_detected', delta: -3 },
  ],
  ['manual edit that already equals the target is accepted', { current: 12 }, { kind: 'unchanged' }],
  [
    'guardrail (units) holds',
    { usage: { devices: 111, users: 0 } },
    { kind: 'held', holdReason: 'guardrail', delta: 101 },
  ],
  [
    'guardrail (percent) holds',
    {
      usage: { devices: 20, users: 0 },
      policy: { guardrails: { maxUnitChange: null, maxPercentChange: 50, maxPercentDecrease: null } },
    },
    { kind: 'held', holdReason: 'guardrail' },
  ],
  ['just under the guardrail applies', { usage: { devices: 110, users: 0 } }, { kind: 'adjust', delta: 100 }],
  [
    "today's adjustment exists: the next one is dated tomorrow",
    { appliedDate: day },
    { kind: 'adjust', effectiveDate: '2026-11-28', isDeferred: true },
  ],
  [
    'tomorrow is taken too: the day after',
    { appliedDate: '2026-11-28' },
    { kind: 'adjust', effectiveDate: '2026-11-29', isDeferred: true },
  ],
  [
    'an adjustment from an earlier day does not defer',
    { appliedDate: '2026-11-20' },
    { kind: 'adjust', effectiveDate: day, isDeferred: false },
  ],
];

describe('planSync: one line', () => {
  it.each(cases)('%s', (_name, scenario, expected) => {
    const lines = plan(scenario);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject(expected);
    const line = lines[0]!;
    if (line.kind === 'problem' || line.kind === 'held') expect(line.advice).toBeTruthy();
  });
});

describe('planSync: the PSA named and advised by its guide', () => {
  const service = 'Coro Endpoint Security';
  it.each<[string, Scenario, Pick<PlannedLine, 'message' | 'advice'>]>([
    [
      'unmapped company',
      { workspace: { companyId: null }, confirmed: null },
      {
        message: 'Acme is not mapped to a TestPSA company.',
        advice: 'Map Acme to its TestPSA company on the workspace mapping page.',
      },
    ],
    [
      'company read failed',
      { companyError: true },
      { message: 'TestPSA could not be read: The PSA is unavailable.', advice: 'Try again later.' },
    ],
    [
      'no units period on the date',
      { current: null },
      {
        message: 'TestPSA has no units period covering 2026-11-27 for this contract service.',
        advice:
          'Check the contract dates and billing periods in TestPSA; the sync tries again on its next run.',
      },
    ],
    [
      'counts already there',
      { usage: { devices: 10, users: 1 } },
      { message: '10 devices counted. TestPSA already holds 10 on 2026-11-27.', advice: null },
    ],
    [
      'manual edit held',
      { current: 15, confirmed: { units: 10 } },
      {
        message: 'TestPSA holds 15 units but the sync last confirmed 10: someone changed them by hand.',
        advice:
          'Approve to set 12 units (-3), or leave it held and check the change with whoever edited the contract.',
      },
    ],
    [
      'no contract',
      { contracts: [] },
      {
        message: 'Acme Corp has no active recurring-service contract on 2026-11-27.',
        advice: `line.noUsableContract(Acme Corp; ended -; ${service})`,
      },
    ],
    [
      'service not on the contract',
      { contractServices: [], current: null, confirmed: null },
      {
        message: `Contract "Managed Security" of Acme Corp does not hold ${service}.`,
        advice: `line.serviceNotOnContract(Managed Security; ${service})`,
      },
    ],
    [
      'a pin to a contract that is gone',
      { workspace: { pinnedContractId: 'c9' } },
      {
        message: 'The pinned contract c9 no longer exists for Acme Corp.',
        advice: 'line.pinnedContractUnusable(Acme Corp)',
      },
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(plan(scenario)[0]).toMatchObject(expected);
  });

  it('names the PSA for units left alone after an unmap', () => {
    const lines = plan({ workspace: { companyId: null } });
    expect(lines[1]?.message).toBe(
      'No longer mapped here; its TestPSA units (last 10) are left as they are (billing policy).',
    );
  });

  it('puts "an" before a PSA name that starts with a vowel', () => {
    const lines = planSync({
      ...planInputOf({ workspace: { companyId: null }, confirmed: null }),
      guide: { ...testGuide, psaName: 'AnyPSA' },
    });
    expect(lines[0]?.message).toBe('Acme is not mapped to an AnyPSA company.');
  });
});

describe('planSync: unit price', () => {
  const adjust = (s: Scenario): PlannedLine | undefined => plan(s).find((l) => l.kind === 'adjust');

  it('carries the price the PSA reports for the units in force', () => {
    expect(adjust({ read: { unitPrice: 6 } })?.unitPrice).toBe(6);
  });

  it('reports no price when the PSA bills only units above an included quantity', () => {
    // 10 → 12 with 11 included bills 1 more unit, not 2: delta × price would be wrong.
    const line = adjust({ read: { unitPrice: 6, includedUnits: 11 } });
    expect(line?.delta).toBe(2);
    expect(line?.unitPrice).toBeNull();
  });

  it('does not fall back to the catalog price when units are included', () => {
    const input = planInputOf({ read: { includedUnits: 5 } });
    const priced = { ...input, services: input.services.map((s) => ({ ...s, unitPrice: 9 })) };
    expect(planSync(priced).find((l) => l.kind === 'adjust')?.unitPrice).toBeNull();
    const withoutIncluded = planInputOf({});
    const catalog = {
      ...withoutIncluded,
      services: withoutIncluded.services.map((s) => ({ ...s, unitPrice: 9 })),
    };
    expect(planSync(catalog).find((l) => l.kind === 'adjust')?.unitPrice).toBe(9);
  });
});

describe('planSync: mapping removed', () => {
  it('leaves the PSA alone by default', () => {
    const lines = plan({ workspace: { companyId: null } });
    expect(lines.map((l) => [l.kind, l.problem ?? l.skipReason])).toStrictEqual([
      ['problem', 'unmapped_company'],
      ['skipped', 'unmapped_left'],
    ]);
  });

  it('pushes the old contract service to 0 when the policy says so', () => {
    const lines = plan({ workspace: { companyId: null }, policy: { onUnmap: 'zero' } });
    expect(lines[1]).toMatchObject({
      kind: 'adjust',
      isUnmapped: true,
      contractId: 'c1',
      currentUnits: 10,
      targetUnits: 0,
      delta: -10,
    });
  });

  it('keeps a still-mapped line even when its contract is temporarily unresolvable', () => {
    const lines = plan({
      contracts: [contract, { ...contract, id: 'c2' }],
      contractServices: [contractService, { id: 'cs2', contractId: 'c2', serviceId: 's1' }],
      policy: { onUnmap: 'zero' },
    });
    expect(lines.map((l) => l.problem)).toStrictEqual(['ambiguous_contract']);
  });

  it('does not zero a trial workspace that was billed before', () => {
    const lines = plan({ workspace: { status: 'Trial' }, policy: { onUnmap: 'zero' } });
    expect(lines.map((l) => l.kind)).toStrictEqual(['skipped']);
  });
});

describe('planSync: several workspaces', () => {
  it('refuses two workspaces writing one contract service', () => {
    const input: PlanInput = {
      effectiveDate: day,
      policy,
      workspaces: [workspace, { ...workspace, id: 'w2', name: 'Acme bis' }],
      services: [
        {
          serviceKey: 'endpoint_security',
          serviceName: 'Endpoint Security',
          psaServiceId: 's1',
          psaServiceName: 'ES',
          basis: 'devices',
        },
      ],
      usage: new Map([
        ['w1', new Map([['endpoint_security', { devices: 1, users: 1 }]])],
        ['w2', new Map([['endpoint_security', { devices: 2, users: 1 }]])],
      ]),
      psa: {
        contractsByCompany: new Map([['co1', [contract]]]),
        contractServicesByContract: new Map([['c1', [contractService]]]),
        unitsByKey: new Map([[unitsKey('c1', 's1'), { units: 0, contractServiceId: 'cs1' }]]),
        companyErrors: new Map(),
        contractErrors: new Map(),
      },
      confirmed: [],
      appliedDates: new Map(),
      guide: testGuide,
    };
    const lines = planSync(input);
    expect(lines.map((l) => l.problem)).toStrictEqual(['ambiguous_contract', 'ambiguous_contract']);
    expect(lines[0]?.advice).toBe(
      'Map each TestPSA company to one Coro workspace only (or pin different contracts).',
    );
  });
});
