/**
 * `coro-psa sync --connector <id> [--dry-run | --yes]`: previews one sync in this process (progress
 * bar on stderr, the plan — current → new, delta per line — and its money impact on stdout), then,
 * unless `--dry-run`, applies exactly that preview once confirmed (`--yes`, or "yes" typed on a
 * terminal; otherwise exit 2 and nothing written). While a run waits on the PSA's request budget
 * the bar says so, and the full explanation is printed once per pause.
 */
import type { SyncImpact } from '@coro/contracts';
import { createInterface } from 'node:readline/promises';
import type { Kysely } from 'kysely';

import type { AppContext } from '../app/app-context.js';
import type { AppConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import { findConnector } from '../connectors/connector.repository.js';
import { describeImpact, formatMoney } from '../domain/money-impact.js';
import { createAppContext, openDatabase, shouldAutoMigrate } from '../main.js';
import { runSync, renderProgressLine, type RunSyncOptions, type SyncRunSummary } from './index.js';
import { runImpact } from './sync-preview.service.js';
import { type SyncLineRow, countSyncLines, getSyncRun, syncLinesAfter } from './sync-run.repository.js';

const pad = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

const planHeader = `${pad('Workspace', 28)} ${pad('Service', 22)} ${pad('Result', 24)} ${'Current'.padStart(7)} → ${'New'.padEnd(7)} ${'Delta'.padStart(6)}  ${pad('Date', 10)}  Note`;

function formatPlanRow(l: SyncLineRow): string {
  const result = l.problem ?? (l.kind === 'adjust' || l.kind === 'held' ? `${l.kind}:${l.status}` : l.kind);
  const delta = l.delta === null || l.delta === 0 ? '' : l.delta > 0 ? `+${l.delta}` : String(l.delta);
  return `${pad(l.workspace_name, 28)} ${pad(l.service_name, 22)} ${pad(result, 24)} ${String(l.current_units ?? '').padStart(7)} → ${String(l.target_units ?? '').padEnd(7)} ${delta.padStart(6)}  ${pad(l.effective_date ?? '', 10)}  ${l.detail ?? l.message}`;
}

/** Lines read per page when printing a run's plan. */
const planPageSize = 1_000;

/**
 * Prints the plan a page at a time: a big channel's run has tens of thousands of lines, and
 * holding them (and their text) at once cost the CLI ~230 MB at 60,000 lines (bench/sync).
 */
async function printPlan(db: Kysely<DB>, runId: string): Promise<void> {
  await write(`${planHeader}\n${'-'.repeat(planHeader.length)}\n`);
  let afterSeq = -1;
  for (;;) {
    const page = await syncLinesAfter(db, runId, afterSeq, planPageSize);
    if (page.length === 0) break;
    await write(`${page.map(formatPlanRow).join('\n')}\n`);
    afterSeq = page[page.length - 1]?.seq ?? afterSeq;
    if (page.length < planPageSize) break;
  }
}

/** Writes to stdout and waits when its buffer is full (a slow pipe must not pile the plan up). */
function write(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

/** One run in this process, drawing its progress bar on stderr. */
async function runWithProgress(
  ctx: AppContext,
  options: Pick<RunSyncOptions, 'connectorId' | 'mode' | 'previewRunId'>,
): Promise<SyncRunSummary> {
  const isTty = process.stderr.isTTY;
  let lastLine = '';
  let lastPauseReason: string | null = null;
  // On a terminal the bar is redrawn in place; erase the rest of the old line (it may be longer).
  const clearLine = isTty ? '\r\x1b[K' : '';
  const summary = await runSync(ctx, {
    ...options,
    trigger: 'cli',
    requestedBy: 'cli',
    onProgress: (event) => {
      // Pauses get their explanation on a line of their own; spacing only shows in the bar.
      const pause = event.wait && event.wait.reason !== 'spacing' ? event.wait : null;
      if (pause && pause.reason !== lastPauseReason) process.stderr.write(`${clearLine}${pause.message}\n`);
      else if (!pause && lastPauseReason !== null)
        process.stderr.write(`${clearLine}Resumed: requests flow again.\n`);
      lastPauseReason = pause?.reason ?? null;
      const line = renderProgressLine(event);
      if (line === lastLine) return;
      lastLine = line;
      process.stderr.write(isTty ? `${clearLine}${line}` : `${line}\n`);
    },
  });
  if (isTty) process.stderr.write('\n');
  return summary;
}

function summaryLine(title: string, summary: SyncRunSummary, isPlanOnly: boolean): string {
  const c = summary.counters;
  return (
    `${title} ${summary.status} for ${summary.effectiveDate ?? '?'}: ` +
    `${c.lines_total} lines, ${c.adjusted} ${isPlanOnly ? 'to adjust' : 'adjusted'} (+${c.units_added}/-${c.units_removed} units), ` +
    `${c.unchanged} unchanged, ${c.held} held, ${c.skipped} skipped, ${c.problems} problems, ${c.failed} failed; ` +
    `${summary.psaName} calls: ${c.psa_reads} reads, ${c.psa_writes} writes. Run ${summary.runId}.`
  );
}

/** The money and the largest decreases, before anything is written (issue 10). */
async function printImpact(ctx: AppContext, runId: string): Promise<SyncImpact> {
  const run = await getSyncRun(ctx.database.db, runId);
  if (!run) throw new Error(`run ${runId} vanished`);
  const impact = await runImpact(ctx, run, 'adjust');
  const held = await runImpact(ctx, run, 'held');
  await write(`\nImpact: ${describeImpact(impact)}.\n`);
  for (const d of impact.largestDecreases)
    await write(
      `  largest decrease: ${d.workspaceName} / ${d.serviceName} ${d.fromUnits} → ${d.toUnits}` +
        `${d.monthlyAmount === null ? '' : ` (${formatMoney(d.monthlyAmount, impact.currency)} per month)`}\n`,
    );
  if (held.changes > 0)
    await write(`Held for approval in the console (not written by this sync): ${describeImpact(held)}.\n`);
  return impact;
}

/** Asks on the terminal; anything but "yes" / "y" declines. */
async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Exit code when an apply was not confirmed: nothing was written. */
export const NOT_CONFIRMED_EXIT_CODE = 2;

export async function syncCommand(
  config: AppConfig,
  options: { connectorId: string; isDryRun: boolean; isConfirmed: boolean },
): Promise<number> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  try {
    // Checked here, before a run is recorded: otherwise an unknown id leaves a failed run row of a
    // connector that does not exist, an empty plan and a logged stack trace.
    if (!(await findConnector(ctx.database.db, options.connectorId))) {
      console.error(
        `coro-psa: No connector with id "${options.connectorId}". Copy the id from the console (Connectors).`,
      );
      return 1;
    }
    // Every write is previewed first: the plan and its money impact, then the confirmation, then
    // exactly that plan is applied (lines that changed in between are left unwritten as stale).
    const preview = await runWithProgress(ctx, { connectorId: options.connectorId, mode: 'dry-run' });
    await printPlan(ctx.database.db, preview.runId);
    const impact = await printImpact(ctx, preview.runId);
    const title = options.isDryRun ? 'Dry run (nothing written)' : 'Preview (nothing written yet)';
    console.log(`\n${summaryLine(title, preview, true)}`);
    if (preview.errorMessage) console.error(`coro-psa: ${preview.errorMessage}`);
    if (options.isDryRun || preview.status === 'failed') return preview.status === 'failed' ? 1 : 0;

    const question = `Apply ${impact.changes} change${impact.changes === 1 ? '' : 's'} to ${preview.psaName} (${describeImpact(impact)})? Type yes to apply: `;
    const isConfirmed = options.isConfirmed || (process.stdin.isTTY && (await confirmOnTerminal(question)));
    if (!isConfirmed) {
      console.error(
        `coro-psa: Nothing was written. Re-run with --yes to apply this plan, or run on a terminal to confirm it.`,
      );
      return NOT_CONFIRMED_EXIT_CODE;
    }
    const applied = await runWithProgress(ctx, {
      connectorId: options.connectorId,
      mode: 'apply',
      previewRunId: preview.runId,
    });
    console.log(summaryLine('Sync', applied, false));
    const stale = await countSyncLines(ctx.database.db, applied.runId, {
      status: 'stale',
    });
    if (stale > 0)
      console.error(
        `coro-psa: ${stale} line${stale === 1 ? '' : 's'} changed between the preview and the apply and ${stale === 1 ? 'was' : 'were'} not written; run the sync again to review ${stale === 1 ? 'it' : 'them'}.`,
      );
    if (applied.errorMessage) console.error(`coro-psa: ${applied.errorMessage}`);
    return applied.status === 'failed' ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
