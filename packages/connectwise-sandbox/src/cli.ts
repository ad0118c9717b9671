import { parseCliArgs, usage } from './cli-args.js';
import { startSandbox } from './index.js';

const command = parseCliArgs(process.argv.slice(2));
if (command.kind === 'help') {
  process.stdout.write(usage);
} else if (command.kind === 'error') {
  process.stderr.write(`connectwise-sandbox: ${command.message}\n\n${usage}`);
  process.exitCode = 2;
} else {
  try {
    const sandbox = await startSandbox(command.options);
    const c = sandbox.credentials;
    // The one stdout line is a contract scripts parse; everything else goes to stderr.
    process.stdout.write(
      `${JSON.stringify({
        url: sandbox.url,
        site: c.site,
        companyId: c.companyId,
        publicKey: c.publicKey,
        privateKey: c.privateKey,
        clientId: c.clientId,
        codebase: c.codebase,
        caFile: sandbox.caFile,
      })}\n`,
    );
    process.stderr.write(
      `connectwise-sandbox: listening on ${sandbox.url} (seed ${JSON.stringify(command.options.seed ?? 'demo')})\n`,
    );
    let isClosing = false;
    const shutdown = (signal: string): void => {
      if (isClosing) return;
      isClosing = true;
      process.stderr.write(`connectwise-sandbox: ${signal}, shutting down\n`);
      sandbox.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  } catch (error) {
    process.stderr.write(`connectwise-sandbox: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
