import { Command, Option } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { UsageRecord } from '@coro/contracts';

import { systemActor } from './audit/audit.repository.js';
import { hashPassword, passwordProblem } from './auth/password.js';
import { findUserByEmail, grantRole, insertUser } from './auth/user.repository.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { createDatabase } from './db/database.js';
import { createMigrator, migrateToLatest } from './db/migrator.js';
import { seedDemo } from './demo/demo-seed.js';
import { AppError } from './app/app-error.js';
import { JobsUnsupportedError } from './jobs/index.js';
import { openDatabase, startServer, startWorker } from './main.js';
import {
  notificationsSetCommand,
  notificationsShowCommand,
  notificationsTestCommand,
} from './notifications/notifications.cli.js';
import { keysRotateCommand, keysStatusCommand } from './secrets/keys.cli.js';
import { syncCommand } from './sync/sync.cli.js';
import { syncUndoCommand } from './sync/undo.cli.js';
import { teamAddCommand, teamListCommand, teamRemoveCommand, teamRoleCommand } from './team/team.cli.js';
import { parseUsageFile } from './usage/usage-file.js';
import { ingestUsage, validateUsage } from './usage/usage.repository.js';
import { insertWorkspace } from './workspaces/workspace.repository.js';

const program = new Command()
  .name('coro-psa')
  .description(
    'Coro PSA connector: console API, sync worker and admin tasks. Configured by environment variables (see README).',
  );

function config(overrides: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

program
  .command('serve')
  .description('Run the HTTP API and console (SQLite migrates itself on start)')
  .option('-p, --port <port>', 'overrides PORT')
  .action(async (options) => {
    await startServer(config({ PORT: options.port ?? process.env.PORT }));
  });

// ── jobs (owner: jobs engineer) ──
program
  .command('worker')
  .description(
    'Run queued jobs only (syncs, lookups, checks, the daily schedule). PostgreSQL only: with SQLite, `serve` runs them',
  )
  .action(async () => {
    await startWorker(config());
  });

const migrate = program.command('migrate').description('Database migrations');
migrate
  .command('up')
  .description('Apply every pending migration')
  .action(async () => {
    const database = createDatabase(config().database);
    try {
      const result = await migrateToLatest(database.db, database.dialect);
      const applied = (result.results ?? [])
        .filter((r) => r.status === 'Success')
        .map((r) => r.migrationName);
      console.log(applied.length === 0 ? 'Nothing to migrate.' : `Applied: ${applied.join(', ')}`);
    } finally {
      await database.close();
    }
  });
migrate
  .command('status')
  .description('List migrations and whether each has run')
  .action(async () => {
    const database = createDatabase(config().database);
    try {
      for (const m of await createMigrator(database.db, database.dialect).getMigrations()) {
        console.log(
          `${m.executedAt ? `applied ${m.executedAt.toISOString()}` : 'pending                          '}  ${m.name}`,
        );
      }
    } finally {
      await database.close();
    }
  });

program
  .command('admin')
  .description('Console users')
  .command('create')
  .description('Create the first admin (msp_super_admin) and their channel workspace')
  .requiredOption('--email <email>')
  .addOption(
    new Option('--password <password>', 'or set CORO_ADMIN_PASSWORD (keeps it out of shell history)').env(
      'CORO_ADMIN_PASSWORD',
    ),
  )
  .requiredOption('--channel-name <name>', 'channel workspace to create (or reuse, by exact name)')
  .option('--display-name <name>')
  .action(async (options) => {
    const password = options.password;
    if (password === undefined) throw new CliError('Give --password or set CORO_ADMIN_PASSWORD.');
    const problem = passwordProblem(password);
    if (problem !== null) throw new CliError(`Password too weak: ${problem}`);
    const cfg = config();
    const database = await openDatabase(cfg, { migrate: true });
    try {
      const db = database.db;
      const now = new Date().toISOString();
      if (await findUserByEmail(db, options.email))
        throw new CliError(`A user with email ${options.email} already exists.`);
      const result = await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('workspaces')
          .select('id')
          .where('kind', '=', 'channel')
          .where('display_name', '=', options.channelName)
          .executeTakeFirst();
        const channelId =
          existing?.id ??
          (
            await insertWorkspace(
              trx,
              { kind: 'channel', parentId: null, displayName: options.channelName },
              now,
            )
          ).id;
        const user = await insertUser(
          trx,
          {
            email: options.email,
            displayName: options.displayName ?? options.email,
            passwordHash: await hashPassword(password),
          },
          now,
        );
        await grantRole(trx, user.id, channelId, 'msp_super_admin', now);
        return { channelId, userId: user.id };
      });
      console.log(
        `Created ${options.email} as msp_super_admin of "${options.channelName}" (channel ${result.channelId}).`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command('usage')
  .description('Usage data')
  .command('import')
  .description('Import daily usage from a CSV or JSON file (idempotent per workspace, service and day)')
  .requiredOption('--file <path>', 'CSV (header: workspaceId,serviceKey,day,devices,users) or JSON')
  .option('--channel <id>', 'channel the workspaces belong to (default: each workspace’s own channel)')
  .option('--batch-size <n>', 'rows per transaction', '1000')
  .action(async (options) => {
    const { records, problems } = parseUsageFile(options.file, readFileSync(options.file, 'utf8'));
    if (problems.length > 0) {
      throw new CliError(
        `${basename(options.file)}: ${problems.length} bad row(s), nothing imported:\n  ${problems.slice(0, 20).join('\n  ')}`,
      );
    }
    const database = await openDatabase(config(), { migrate: true });
    try {
      const db = database.db;
      const byChannel = new Map<string, UsageRecord[]>();
      if (options.channel !== undefined) {
        byChannel.set(options.channel, records);
      } else {
        const ids = [...new Set(records.map((r) => r.workspaceId))];
        const parents = new Map<string, string | null>();
        for (let i = 0; i < ids.length; i += 500) {
          const rows = await db
            .selectFrom('workspaces')
            .select(['id', 'parent_id'])
            .where('id', 'in', ids.slice(i, i + 500))
            .execute();
          for (const row of rows) parents.set(row.id, row.parent_id);
        }
        const unknown = ids.filter((id) => !parents.get(id));
        if (unknown.length > 0)
          throw new CliError(
            `Unknown child workspace(s): ${unknown.slice(0, 10).join(', ')}. Nothing imported.`,
          );
        for (const record of records) {
          const channelId = parents.get(record.workspaceId) ?? '';
          byChannel.set(channelId, [...(byChannel.get(channelId) ?? []), record]);
        }
      }
      // Validate everything before writing anything, then write in batches with progress.
      for (const [channelId, rows] of byChannel) {
        const rejected = await validateUsage(db, channelId, rows, new Date());
        if (rejected.length > 0) {
          throw new CliError(
            `${rejected.length} row(s) rejected for channel ${channelId}, nothing imported:\n  ${rejected
              .slice(0, 20)
              .map((r) => `row ${r.index}: ${r.reason}`)
              .join('\n  ')}`,
          );
        }
      }
      const batchSize = Math.max(1, Number.parseInt(options.batchSize, 10) || 1000);
      const progress = progressBar(records.length);
      const totals = { inserted: 0, updated: 0, unchanged: 0 };
      for (const [channelId, rows] of byChannel) {
        for (let i = 0; i < rows.length; i += batchSize) {
          const batch = rows.slice(i, i + batchSize);
          const result = await ingestUsage(db, {
            channelId,
            records: batch,
            actor: systemActor('cli usage import'),
            source: 'cli',
            now: new Date(),
          });
          totals.inserted += result.inserted;
          totals.updated += result.updated;
          totals.unchanged += result.unchanged;
          progress.tick(batch.length);
        }
      }
      progress.done();
      console.log(
        `Imported ${records.length} row(s): ${totals.inserted} inserted, ${totals.updated} updated, ${totals.unchanged} unchanged.`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command('demo')
  .description('Demo data')
  .command('seed')
  .description(
    'Create the Coro-side demo (Northwind MSP, 40 customers, 90 days of usage, demo users); idempotent',
  )
  .action(async () => {
    const cfg = config({ MODE: process.env.MODE ?? 'demo' });
    const database = await openDatabase(cfg, { migrate: true });
    try {
      const summary = await seedDemo(database.db, new Date(), (line) => console.log(`  ${line}`));
      console.log(
        `Demo ready: channel ${summary.channelId}. Sign in as admin@northwind.example / demo-admin-2026! (viewer: viewer@northwind.example / demo-viewer-2026!).`,
      );
    } finally {
      await database.close();
    }
  });

// ── sync (owner: sync engineer) ──
const sync = program
  .command('sync')
  .description(
    'Sync one connector now: previews the plan (current → new, delta per line) and its money impact, then applies exactly that plan once confirmed',
  )
  // Checked in the action, not by the parser: `sync undo <runId>` needs no connector.
  .option('--connector <id>', 'connector id (required)')
  .option('--dry-run', 'preview only: nothing is written to the PSA')
  .option(
    '--yes',
    'apply the previewed plan without asking (scripts); without it, a terminal asks and anything else exits 2',
  )
  .action(async (options) => {
    const connectorId = options.connector;
    if (connectorId === undefined)
      return sync.error("error: required option '--connector <id>' not specified");
    process.exitCode = await syncCommand(config(), {
      connectorId,
      isDryRun: options.dryRun === true,
      isConfirmed: options.yes === true,
    });
  });
const collect = (value: string, previous: string[]): string[] => [...previous, value];
sync
  .command('undo')
  .description(
    'Undo an applied run: prints the opposing adjustments (and conflicts: lines changed since), writes them after --yes or a confirmation',
  )
  .argument('<runId>', 'the run to undo (ids are in the console history and in `sync` output)')
  .option('--yes', 'write without asking')
  .option('--line <lineId>', 'undo only this line of the run (repeatable)', collect, [] as string[])
  .option(
    '--include-conflict <lineId>',
    'reverse this conflicting line anyway (repeatable)',
    collect,
    [] as string[],
  )
  .action(async (runId, options) => {
    process.exitCode = await syncUndoCommand(config(), {
      runId,
      // `sync` has its own --yes, and commander gives a parent's options to the parent wherever they stand.
      isConfirmed: options.yes === true || sync.opts().yes === true,
      lineIds: options.line,
      includeConflicts: options.includeConflict,
    });
  });

// ── team: people and roles of a channel (issue 13) ──
const team = program
  .command('team')
  .description('People of a channel and their roles (msp_super_admin, msp_admin, msp_viewer, msp_billing)');
const channelOption = () => new Option('--channel <id>', 'channel workspace id').makeOptionMandatory();
team
  .command('list')
  .description('Members of the channel: e-mail, role, last sign-in, name')
  .addOption(channelOption())
  .action(async (options) => {
    await teamListCommand(config(), options.channel);
  });
team
  .command('add')
  .description(
    'Add a person by e-mail; a new account gets a one-time password, printed once (or e-mailed when SMTP_URL is set)',
  )
  .argument('<email>')
  .addOption(channelOption())
  .requiredOption('--role <role>', 'msp_admin, msp_viewer, msp_billing or msp_super_admin')
  .option('--display-name <name>', 'for a new account (default: the part before @)')
  .action(async (email, options) => {
    await teamAddCommand(config(), {
      channelId: options.channel,
      email,
      role: options.role,
      displayName: options.displayName,
    });
  });
team
  .command('role')
  .description('Change a member’s role (never the last admin)')
  .argument('<email>')
  .argument('<role>')
  .addOption(channelOption())
  .action(async (email, role, options) => {
    await teamRoleCommand(config(), { channelId: options.channel, email, role });
  });
team
  .command('remove')
  .description('Remove a member from the channel (never the last admin); the account stays')
  .argument('<email>')
  .addOption(channelOption())
  .action(async (email, options) => {
    await teamRemoveCommand(config(), { channelId: options.channel, email });
  });

// ── notifications: run notices of one connector (issue 13) ──
const notifications = program
  .command('notifications')
  .description('Run notifications of a connector: e-mail and a signed webhook');
const connectorOption = () => new Option('--connector <id>', 'connector id').makeOptionMandatory();
notifications
  .command('show')
  .description('Current settings (the webhook secret only as set / not set)')
  .addOption(channelOption())
  .addOption(connectorOption())
  .action(async (options) => {
    await notificationsShowCommand(config(), { channelId: options.channel, connectorId: options.connector });
  });
notifications
  .command('set')
  .description('Change the settings; what is not given keeps its value')
  .addOption(channelOption())
  .addOption(connectorOption())
  .addOption(new Option('--email <state>', 'e-mail notices').choices(['on', 'off'] as const))
  .option('--recipients <list>', 'comma-separated e-mail addresses, or "admins" (the channel\'s admins)')
  .option('--webhook-url <url>', 'https URL of the receiver, or "none" to remove the webhook')
  .option('--webhook-secret-from <source>', 'read the signing secret from "stdin" or "env:NAME" (never argv)')
  .option('--clear-webhook-secret', 'remove the stored signing secret')
  .action(async (options) => {
    await notificationsSetCommand(config(), {
      channelId: options.channel,
      connectorId: options.connector,
      email: options.email,
      recipients: options.recipients,
      webhookUrl: options.webhookUrl,
      webhookSecretFrom: options.webhookSecretFrom,
      clearWebhookSecret: options.clearWebhookSecret,
    });
  });
notifications
  .command('test')
  .description('Send a labelled test notice through each configured channel; exit 1 if one failed')
  .addOption(channelOption())
  .addOption(connectorOption())
  .action(async (options) => {
    process.exitCode = await notificationsTestCommand(config(), {
      channelId: options.channel,
      connectorId: options.connector,
    });
  });

// ── secrets at rest (ADR 0006) ──
const keys = program
  .command('keys')
  .description('Encryption keys of the secrets stored in the database (ENCRYPTION_KEYS, ADR 0006)');
keys
  .command('status')
  .description('How many stored secrets are sealed under each key id (reads key ids only, never a secret)')
  .action(async () => {
    process.exitCode = await keysStatusCommand(config());
  });
keys
  .command('rotate')
  .description(
    'Re-seal every stored secret under the first (primary) key of ENCRYPTION_KEYS; safe to interrupt and to repeat',
  )
  .option('--batch-size <n>', 'rows per transaction', '100')
  .action(async (options) => {
    const batchSize = /^\d+$/.test(options.batchSize) ? Number(options.batchSize) : Number.NaN;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new CliError('--batch-size must be a whole number of at least 1.');
    process.exitCode = await keysRotateCommand(config(), { batchSize }, progressBar);
  });

class CliError extends Error {}

function progressBar(total: number): { tick(n: number): void; done(): void } {
  const isTty = process.stderr.isTTY;
  let current = 0;
  let lastPrinted = -1;
  const render = () => {
    const ratio = total === 0 ? 1 : current / total;
    const percent = Math.floor(ratio * 100);
    if (!isTty && percent < lastPrinted + 10 && current !== total) return;
    lastPrinted = percent;
    const width = 30;
    const filled = Math.round(ratio * width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${current}/${total} rows`;
    process.stderr.write(isTty ? `\r${line}` : `${line}\n`);
  };
  return {
    tick: (n) => {
      current += n;
      render();
    },
    done: () => {
      if (isTty) process.stderr.write('\n');
    },
  };
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError || error instanceof ConfigError || error instanceof JobsUnsupportedError) {
    console.error(`coro-psa: ${error.message}`);
  } else if (error instanceof AppError) {
    console.error(
      `coro-psa: ${error.message}${error.details === undefined ? '' : `\n${JSON.stringify(error.details, null, 2)}`}`,
    );
  } else {
    console.error(error);
  }
  process.exitCode = 1;
}
