/**
 * `coro-psa sync --connector <id> [--dry-run]`: runs one sync in this process, draws a progress
 * bar on stderr and prints the plan (current → new, delta per line) on stdout. While the run waits
 * on the PSA's request budget the bar says so, and the full explanation is printed once per pause.
 */
import type { AppConfig } from '../config/config.js';
import { findConnector } from '../connectors/connector.repository.js';
import { createAppContext, openDatabase, shouldAutoMigrate } from '../main.js';
import { runSync, renderProgressLine } from './index.js';
import { createSyncRunRepository, type SyncLineRow, type SyncRunRepository } from './sync-run.repository.js';

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
async function printPlan(runs: SyncRunRepository, runId: string): Promise<void> {
  await write(`${planHeader}\n${'-'.repeat(planHeader.length)}\n`);
  let afterSeq = -1;
  for (;;) {
    const page = await runs.linesAfter(runId, afterSeq, planPageSize);
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

export async function syncCommand(
  config: AppConfig,
  options: { connectorId: string; isDryRun: boolean },
): Promise<number> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  const isTty = process.stderr.isTTY;
  let lastLine = '';
  let lastPauseReason: string | null = null;
  // On a terminal the bar is redrawn in place; erase the rest of the old line (it may be longer).
  const clearLine = isTty ? '\r\x1b[K' : '';
  try {
    // Checked here, before a run is recorded: otherwise an unknown id leaves a failed run row of a
    // connector that does not exist, an empty plan and a logged stack trace.
    if (!(await findConnector(ctx.database.db, options.connectorId))) {
      console.error(
        `coro-psa: No connector with id "${options.connectorId}". Copy the id from the console (Connectors).`,
      );
      return 1;
    }
    const summary = await runSync(ctx, {
      connectorId: options.connectorId,
      mode: options.isDryRun ? 'dry-run' : 'apply',
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
    await printPlan(createSyncRunRepository(ctx.database.db), summary.runId);
    const c = summary.counters;
    console.log(
      `\n${options.isDryRun ? 'Dry run (nothing written)' : 'Sync'} ${summary.status} for ${summary.effectiveDate ?? '?'}: ` +
        `${c.lines_total} lines, ${c.adjusted} ${options.isDryRun ? 'to adjust' : 'adjusted'} (+${c.units_added}/-${c.units_removed} units), ` +
        `${c.unchanged} unchanged, ${c.held} held, ${c.skipped} skipped, ${c.problems} problems, ${c.failed} failed; ` +
        `${summary.psaName} calls: ${c.psa_reads} reads, ${c.psa_writes} writes. Run ${summary.runId}.`,
    );
    if (summary.errorMessage) console.error(`coro-psa: ${summary.errorMessage}`);
    return summary.status === 'failed' ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
