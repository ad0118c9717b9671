/**
 * `coro-psa keys status` and `coro-psa keys rotate` (ADR 0006). Output names key ids, columns and
 * row ids only: never a secret, an envelope or key material.
 */
import type { AppConfig } from '../config/config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { openDatabase, shouldAutoMigrate } from '../main.js';
import {
  describeFailure,
  keyUsage,
  MALFORMED,
  rotateSecrets,
  type ColumnKeyUsage,
  type RotationReport,
} from './secret-rotation.js';

export interface Progress {
  tick(n: number): void;
  done(): void;
}

/** Failures printed one by one; past this, the rest are summed up. */
const MAX_LISTED_FAILURES = 20;
const STATUS_PAGE_ROWS = 1000;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatKeyUsage(usage: readonly ColumnKeyUsage[], ringKeyIds: readonly string[]): string {
  const primary = ringKeyIds[0] ?? '';
  const totals = new Map<string, number>(ringKeyIds.map((id) => [id, 0]));
  for (const column of usage)
    for (const [keyId, n] of column.byKeyId) totals.set(keyId, (totals.get(keyId) ?? 0) + n);
  const outside = [...totals.keys()].filter((id) => !ringKeyIds.includes(id) && id !== MALFORMED).sort();
  const order = [...ringKeyIds, ...outside, ...(totals.has(MALFORMED) ? [MALFORMED] : [])];
  const width = Math.max(6, ...order.map((id) => id.length));
  const note = (id: string): string => {
    if (id === primary) return 'primary: seals every new secret';
    if (ringKeyIds.includes(id)) return 'in the ring (opens only)';
    if (id === MALFORMED) return 'no key can open these';
    return 'NOT in ENCRYPTION_KEYS: cannot be opened';
  };
  const lines = [
    `Key ring (ENCRYPTION_KEYS): ${ringKeyIds.map((id, i) => (i === 0 ? `${id} (primary)` : id)).join(', ')}`,
    '',
    `${'key'.padEnd(width)}  ${'secrets'.padStart(7)}`,
    ...order.map((id) => `${id.padEnd(width)}  ${String(totals.get(id) ?? 0).padStart(7)}  ${note(id)}`),
    '',
    ...usage.map((c) => {
      const parts = [...c.byKeyId].map(([id, n]) => `${id} ${n}`).join(', ');
      return `${c.column.name} (${c.column.label}): ${c.total}${parts === '' ? '' : ` — ${parts}`}`;
    }),
    '',
  ];
  const all = usage.reduce((n, c) => n + c.total, 0);
  const notPrimary = all - (totals.get(primary) ?? 0);
  const unreadable = [...outside, MALFORMED].reduce((n, id) => n + (totals.get(id) ?? 0), 0);
  const others = ringKeyIds.slice(1);
  if (notPrimary === 0) {
    lines.push(
      `All ${plural(all, 'secret')} are sealed under the primary key ${primary}.` +
        (others.length === 0
          ? ''
          : ` No stored secret needs ${others.join(', ')}: remove ${others.length === 1 ? 'it' : 'them'} from ENCRYPTION_KEYS once every server and worker runs with ${primary} as primary.`),
    );
  } else {
    if (notPrimary > unreadable)
      lines.push(
        `${plural(notPrimary - unreadable, 'secret')} sealed under an older key of the ring: run \`coro-psa keys rotate\`.`,
      );
    if (unreadable > 0)
      lines.push(
        `${plural(unreadable, 'secret')} cannot be opened with this ring: \`coro-psa keys rotate\` lists them with what to do.`,
      );
  }
  return lines.join('\n');
}

export function formatRotation(report: RotationReport): string[] {
  const primary = report.primaryKeyId;
  return report.columns.map((c) => {
    const from = [...c.resealedFrom].map(([id, n]) => `${id} ${n}`).join(', ');
    return (
      `${c.column.name} (${c.column.label}): ${c.resealed} re-sealed${from === '' ? '' : ` (from ${from})`}, ` +
      `${c.current} already under ${primary}, ${c.failures.length} left as is`
    );
  });
}

export async function keysStatusCommand(config: AppConfig): Promise<number> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  try {
    const usage = await keyUsage(database.db, { batchSize: STATUS_PAGE_ROWS });
    console.log(
      formatKeyUsage(
        usage,
        config.encryptionKeys.map((k) => k.id),
      ),
    );
    return 0;
  } finally {
    await database.close();
  }
}

export async function keysRotateCommand(
  config: AppConfig,
  options: { readonly batchSize: number },
  createProgress: (total: number) => Progress,
): Promise<number> {
  const box = new SecretBox(config.encryptionKeys);
  const ringKeyIds = config.encryptionKeys.map((k) => k.id);
  const others = ringKeyIds.slice(1);
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  let progress: Progress | undefined;
  let reported = 0;
  try {
    console.log(
      `Re-sealing every stored secret under ${box.primaryKeyId} (primary of ENCRYPTION_KEYS${
        others.length === 0 ? '' : `; the ring also opens ${others.join(', ')}`
      }).`,
    );
    let report: RotationReport;
    try {
      report = await rotateSecrets(database.db, box, {
        batchSize: options.batchSize,
        onProgress: (done, total) => {
          progress ??= createProgress(total);
          progress.tick(done - reported);
          reported = done;
        },
      });
    } catch (error) {
      progress?.done();
      // The message only: a driver error object may carry the statement's parameters.
      console.error(
        `coro-psa: rotation stopped: ${(error as Error).message}\n` +
          'Batches committed before the stop are re-sealed; the rest are untouched and still open with ' +
          'this ring. Fix the cause, then run `coro-psa keys rotate` again (it continues where it stopped).',
      );
      return 1;
    }
    progress?.done();
    for (const line of formatRotation(report)) console.log(line);
    console.log(
      `Done: ${report.resealed} re-sealed under ${report.primaryKeyId}, ${report.current} already under it, ` +
        `${report.failures.length} could not be re-sealed.`,
    );
    for (const failure of report.failures.slice(0, MAX_LISTED_FAILURES))
      console.error(`coro-psa: ${describeFailure(failure, ringKeyIds)}`);
    if (report.failures.length > MAX_LISTED_FAILURES) {
      const rest = new Map<string, number>();
      for (const f of report.failures.slice(MAX_LISTED_FAILURES)) {
        const key = `${f.reason}${f.keyId === null ? '' : ` (key "${f.keyId}")`}`;
        rest.set(key, (rest.get(key) ?? 0) + 1);
      }
      console.error(
        `coro-psa: … and ${report.failures.length - MAX_LISTED_FAILURES} more: ${[...rest]
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', ')}.`,
      );
    }
    if (report.failures.length > 0) {
      console.error(
        `coro-psa: ${plural(report.failures.length, 'secret')} could not be re-sealed and ${
          report.failures.length === 1 ? 'was' : 'were'
        } left as is; every other secret was re-sealed. Fix them as described above, then run ` +
          '`coro-psa keys rotate` again (it is safe to repeat). Remove no key from ENCRYPTION_KEYS while ' +
          '`coro-psa keys status` still counts secrets under it.',
      );
      return 1;
    }
    if (others.length > 0)
      console.log(
        `Once every server and worker runs with ${report.primaryKeyId} as primary and \`coro-psa keys status\` ` +
          `counts nothing under ${others.join(', ')}, remove ${others.length === 1 ? 'it' : 'them'} from ENCRYPTION_KEYS and restart them.`,
      );
    return 0;
  } finally {
    await database.close();
  }
}
