/**
 * Is a reviewed preview still what applying it would do? Compares the preview's lines with a plan
 * made now, line by line, on what decides a write: the kind of line, the contract service it
 * touches, and the units from → to. Messages and advice may change wording without changing a
 * write, so they are not compared. Pure; the sync's apply-a-preview step refuses on any change.
 */
import type { PreviewChange, SyncLineKind } from '@coro/contracts';

export interface PlanKey {
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly workspaceName: string;
  readonly serviceName: string;
  readonly kind: SyncLineKind;
  readonly contractId: string | null;
  readonly psaServiceId: string | null;
  readonly currentUnits: number | null;
  readonly targetUnits: number | null;
}

export const planLineKey = (line: Pick<PlanKey, 'workspaceId' | 'serviceKey'>): string =>
  `${line.workspaceId}|${line.serviceKey}`;

const decidesTheSameWrite = (a: PlanKey, b: PlanKey): boolean =>
  a.kind === b.kind &&
  a.contractId === b.contractId &&
  a.psaServiceId === b.psaServiceId &&
  a.currentUnits === b.currentUnits &&
  a.targetUnits === b.targetUnits;

const side = (line: PlanKey | undefined): PreviewChange['before'] =>
  line ? { kind: line.kind, fromUnits: line.currentUnits, toUnits: line.targetUnits } : null;

/** Every line that differs, in the preview's order, then the lines only the present plan has. */
export function diffPlans(preview: readonly PlanKey[], now: readonly PlanKey[]): PreviewChange[] {
  const nowByKey = new Map(now.map((l) => [planLineKey(l), l]));
  const changes: PreviewChange[] = [];
  const seen = new Set<string>();
  for (const before of preview) {
    const key = planLineKey(before);
    seen.add(key);
    const after = nowByKey.get(key);
    if (after && decidesTheSameWrite(before, after)) continue;
    changes.push({
      workspaceName: before.workspaceName,
      serviceName: before.serviceName,
      before: side(before),
      now: side(after),
    });
  }
  for (const after of now) {
    if (seen.has(planLineKey(after))) continue;
    changes.push({
      workspaceName: after.workspaceName,
      serviceName: after.serviceName,
      before: null,
      now: side(after),
    });
  }
  return changes;
}
