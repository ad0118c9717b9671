import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/autotask-sandbox.mjs', import.meta.url));
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function firstLine(proc: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    proc.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing`)));
  });
}

describe('autotask-sandbox CLI', () => {
  it('prints exactly one JSON line with the connection details and stops cleanly on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      [bin, '--port', '0', '--seed', 'demo', '--time-zone', 'America/Chicago'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const line = await firstLine(child);
    const info = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(info)).toEqual(['url', 'zoneUrl', 'username', 'secret', 'integrationCode']);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.zoneUrl).toBe(`${info.url}/ATServicesRest/`);

    const reply = await fetch(`${info.zoneUrl}V1.0/Companies/0`, {
      headers: {
        ApiIntegrationCode: info.integrationCode ?? '',
        UserName: info.username ?? '',
        Secret: info.secret ?? '',
      },
    });
    expect(reply.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--help prints usage; a bad option exits non-zero', async () => {
    child = spawn(process.execPath, [bin, '--help']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: autotask-sandbox/);
    expect(out).toMatch(/--seed/);

    child = spawn(process.execPath, [bin, '--seed', 'scale:x']);
    const [badCode] = (await once(child, 'exit')) as [number | null];
    expect(badCode).toBe(2);
  });
});
