import { describe, expect, it } from 'vitest';

import { diffPlans, type PlanKey } from './preview-diff.js';

const line = (over: Partial<PlanKey> = {}): PlanKey => ({
  workspaceId: 'w1',
  serviceKey: 'edr',
  workspaceName: 'Brightside',
  serviceName: 'EDR',
  kind: 'adjust',
  contractId: 'k1',
  psaServiceId: 's1',
  currentUnits: 110,
  targetUnits: 13,
  ...over,
});

describe('diffPlans', () => {
  it('finds no change when every line decides the same write', () => {
    const plan = [line(), line({ serviceKey: 'es', kind: 'unchanged', currentUnits: 5, targetUnits: 5 })];
    expect(
      diffPlans(
        plan,
        plan.map((l) => ({ ...l })),
      ),
    ).toEqual([]);
  });

  it.each([
    ['new usage', { targetUnits: 14 }],
    ['units edited in the PSA', { currentUnits: 100 }],
    ['another contract (a mapping or a pin)', { contractId: 'k2' }],
    ['another PSA service (service mapping)', { psaServiceId: 's2' }],
    ['now held by a guardrail', { kind: 'held' as const }],
  ] as [string, Partial<PlanKey>][])('reports %s with both sides', (_why, now) => {
    expect(diffPlans([line()], [line(now)])).toEqual([
      {
        workspaceName: 'Brightside',
        serviceName: 'EDR',
        before: { kind: 'adjust', fromUnits: 110, toUnits: 13 },
        now: {
          kind: now.kind ?? 'adjust',
          fromUnits: now.currentUnits ?? 110,
          toUnits: now.targetUnits ?? 13,
        },
      },
    ]);
  });

  it('reports lines that appeared or went away (a workspace mapped or unmapped since)', () => {
    const gone = line({ workspaceId: 'w2', workspaceName: 'Evergreen' });
    const added = line({ workspaceId: 'w3', workspaceName: 'Lakeside', kind: 'adjust' });
    const changes = diffPlans([line(), gone], [line(), added]);
    expect(changes.map((c) => [c.workspaceName, c.before?.kind ?? null, c.now?.kind ?? null])).toEqual([
      ['Evergreen', 'adjust', null],
      ['Lakeside', null, 'adjust'],
    ]);
  });
});
