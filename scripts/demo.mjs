// `npm run demo`: the whole product on one machine with no setup — the Autotask sandbox with its
// demo tenant, the Coro-side demo data on SQLite, and the console. Prints where to sign in and the
// sandbox API user to paste into "Add Autotask connector". Ctrl+C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.DATA_DIR ?? join(root, 'data', 'demo');
const port = process.env.PORT ?? '3000';
const sandboxPort = process.env.SANDBOX_PORT ?? '8081';
const cwSandboxPort = process.env.CW_SANDBOX_PORT ?? '8443';
mkdirSync(dataDir, { recursive: true });

const children = [];
const stopAll = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(
      `\n${command} ${args.join(' ')} failed. Fix the error above, then run \`npm run demo\` again.`,
    );
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'apps/web/dist/index.html')) || process.env.DEMO_REBUILD === '1') {
  console.log('Building the console (apps/web)…');
  run('npm', ['run', 'build', '--workspace', '@coro/web']);
}
// The server runs from its bundle when current (bin/coro-psa.mjs); building it takes ~0.1 s.
run(process.execPath, [join(root, 'apps/server/scripts/build.mjs')]);

console.log(`Starting the Autotask sandbox on port ${sandboxPort} (seed: demo)…`);
const sandbox = spawn(
  process.execPath,
  [join(root, 'packages/autotask-sandbox/bin/autotask-sandbox.mjs'), '--port', sandboxPort, '--seed', 'demo'],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
children.push(sandbox);
const sandboxInfo = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: sandbox.stdout });
  lines.once('line', (line) => resolve(JSON.parse(line)));
  sandbox.once('exit', (code) => reject(new Error(`The sandbox exited (${code}) before it was ready.`)));
});

// ConnectWise is HTTPS-only: its sandbox serves TLS with a certificate the server trusts via
// CONNECTWISE_CA_FILE (never by turning certificate checks off).
console.log(`Starting the ConnectWise sandbox on port ${cwSandboxPort} (seed: demo, TLS)…`);
const cwSandbox = spawn(
  process.execPath,
  [
    join(root, 'packages/connectwise-sandbox/bin/connectwise-sandbox.mjs'),
    ...['--port', cwSandboxPort, '--seed', 'demo', '--tls'],
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
children.push(cwSandbox);
const cwInfo = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: cwSandbox.stdout });
  lines.once('line', (line) => resolve(JSON.parse(line)));
  cwSandbox.once('exit', (code) =>
    reject(new Error(`The ConnectWise sandbox exited (${code}) before it was ready.`)),
  );
});

const serverEnv = {
  MODE: 'demo',
  DATA_DIR: dataDir,
  PORT: port,
  AUTOTASK_DISCOVERY_URL: `${sandboxInfo.url}/ATServicesRest/`,
  AUTOTASK_INTEGRATION_CODE: sandboxInfo.integrationCode,
  CONNECTWISE_CLIENT_ID: cwInfo.clientId,
  CONNECTWISE_CA_FILE: cwInfo.caFile,
};
console.log('Seeding the Coro demo channel (idempotent)…');
run(process.execPath, [join(root, 'apps/server/bin/coro-psa.mjs'), 'demo', 'seed'], serverEnv);

console.log('Starting the console…');
const server = spawn(process.execPath, [join(root, 'apps/server/bin/coro-psa.mjs'), 'serve'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...serverEnv },
});
children.push(server);
server.once('exit', (code) => {
  stopAll();
  process.exit(code ?? 0);
});

setTimeout(() => {
  console.log(`
──────────────────────────────────────────────────────────────────────────────
  Coro console     http://127.0.0.1:${port}
  Sign in          admin@northwind.example / demo-admin-2026!   (viewer: viewer@northwind.example / demo-viewer-2026!)
  Then             Control Panel → Connectors → PSA → ADD CONNECTOR → Autotask
  User name        ${sandboxInfo.username}
  Secret           ${sandboxInfo.secret}
  Sandbox API      ${sandboxInfo.zoneUrl}  (admin: ${sandboxInfo.url}/_sandbox/stats)
  Or               ADD CONNECTOR → ConnectWise PSA
  Site             ${cwInfo.site}
  Company ID       ${cwInfo.companyId}
  Public key       ${cwInfo.publicKey}
  Private key      ${cwInfo.privateKey}
  API docs         http://127.0.0.1:${port}/docs
──────────────────────────────────────────────────────────────────────────────
`);
}, 1500);
