/**
 * `coro-psa sync undo <runId> [--yes] [--include-conflict <lineId>…] [--line <lineId>…]`: prints
 * what undoing the run would write (the PSA re-read: reversals, and conflicts with both numbers),
 * then writes the opposing adjustments only after `--yes` or a "y" typed on a terminal (without
 * either, exits 2 like `sync`).
 */
import type { UndoLine } from '@coro/contracts';
import { createInterface } from 'node:readline/promises';

import { systemActor } from '../audit/audit.repository.js';
import { isAppError } from '../app/app-error.js';
import type { AppConfig } from '../config/config.js';
import { createAppContext, openDatabase, shouldAutoMigrate } from '../main.js';
import { previewRunUndo, renderProgressLine, startRunUndo } from './index.js';

const pad = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
const signed = (n: number): string => (n === 0 ? '' : n > 0 ? `+${n}` : String(n));

const header = `${pad('Line', 36)} ${pad('Workspace', 26)} ${pad('Service', 22)} ${pad('Decision', 16)} ${'Applied'.padStart(7)} ${'Now'.padStart(5)} → ${pad('Undo', 5)} ${'Delta'.padStart(6)}  Note`;

function formatRow(l: UndoLine): string {
  const decision = l.decision === 'conflict' && l.isIncluded ? 'conflict:include' : l.decision;
  return `${pad(l.lineId, 36)} ${pad(l.workspaceName, 26)} ${pad(l.serviceName, 22)} ${pad(decision, 16)} ${String(l.appliedUnits).padStart(7)} ${String(l.currentUnits ?? '?').padStart(5)} → ${pad(String(l.undoUnits), 5)} ${signed(l.delta).padStart(6)}  ${l.message}`;
}

async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function syncUndoCommand(
  config: AppConfig,
  options: { runId: string; isConfirmed: boolean; lineIds?: string[]; includeConflicts: string[] },
): Promise<number> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  const request = {
    originalRunId: options.runId,
    ...(options.lineIds && options.lineIds.length > 0 ? { lineIds: options.lineIds } : {}),
    includeConflicts: options.includeConflicts,
  };
  try {
    const plan = await previewRunUndo(ctx, request);
    console.log(`${header}\n${'-'.repeat(header.length)}`);
    for (const line of plan.lines) console.log(formatRow(line));
    const c = plan.counts;
    const writes = c.reversals + c.conflictsIncluded;
    console.log(
      `\nUndo of run ${plan.runId}: ${writes} opposing adjustments (+${c.unitsUp}/-${c.unitsDown} units), ` +
        `${c.conflicts} conflicts (${c.conflictsIncluded} included), ${c.settled} already settled, ${c.unreadable} unreadable.`,
    );
    if (c.conflicts > c.conflictsIncluded)
      console.log(
        `Conflicts changed in ${plan.psaName} since the run; reverse one anyway with --include-conflict <line>.`,
      );
    if (writes === 0) {
      console.log('Nothing to write.');
      return 0;
    }
    const question = `Write ${writes} opposing adjustments to ${plan.psaName}? [y/N] `;
    if (!options.isConfirmed) {
      if (!process.stdin.isTTY) {
        console.error('coro-psa: Nothing written: pass --yes to apply (no terminal to confirm on).');
        return 2;
      }
      if (!(await confirmOnTerminal(question))) {
        console.log('Nothing written.');
        return 0;
      }
    }
    const isTty = process.stderr.isTTY;
    let lastLine = '';
    const started = await startRunUndo(ctx, {
      ...request,
      actor: systemActor('cli'),
      trigger: 'cli',
      onProgress: (event) => {
        const line = renderProgressLine(event);
        if (line === lastLine) return;
        lastLine = line;
        process.stderr.write(isTty ? `\r\x1b[K${line}` : `${line}\n`);
      },
    });
    const summary = await started.done;
    if (isTty) process.stderr.write('\n');
    const s = summary.counters;
    console.log(
      `Undo ${summary.status}: ${s.adjusted} reversed (+${s.units_added}/-${s.units_removed} units), ` +
        `${s.skipped} conflicts left, ${s.failed} failed; ${summary.psaName} calls: ${s.psa_reads} reads, ${s.psa_writes} writes. ` +
        `Run ${summary.runId} (undo of ${options.runId}).`,
    );
    if (summary.errorMessage) console.error(`coro-psa: ${summary.errorMessage}`);
    return summary.status === 'succeeded' ? 0 : 1;
  } catch (error) {
    if (!isAppError(error)) throw error;
    console.error(`coro-psa: ${error.message}`);
    return 1;
  } finally {
    await ctx.close();
  }
}
