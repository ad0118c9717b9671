import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth } from './testing/api-client.js';
import { hasOpenssl } from './testing/openssl.js';

const bin = fileURLToPath(new URL('../bin/connectwise-sandbox.mjs', import.meta.url));
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

/** GET over HTTPS trusting only the given CA (fetch cannot take a CA per request). */
function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const keys = ['url', 'site', 'companyId', 'publicKey', 'privateKey', 'clientId', 'codebase', 'caFile'];

describe('connectwise-sandbox CLI', () => {
  it('prints exactly one JSON line (plain HTTP, caFile null) and stops cleanly on SIGTERM', async () => {
    child = spawn(process.execPath, [bin, '--port', '0', '--seed', 'empty'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const info = JSON.parse(await firstLine(child)) as Record<string, string | null>;
    expect(Object.keys(info)).toEqual(keys);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.url).toBe(`http://${String(info.site)}`);
    expect(info.caFile).toBeNull();
    expect(info.codebase).toBe('v4_6_release/');
    const reply = await fetch(
      `${String(info.url)}/${String(info.codebase)}apis/3.0/finance/agreements/count`,
      {
        headers: {
          Authorization: basicAuth({
            companyId: info.companyId ?? '',
            publicKey: info.publicKey ?? '',
            privateKey: info.privateKey ?? '',
          }),
          clientId: info.clientId ?? '',
        },
      },
    );
    expect(await reply.json()).toEqual({ count: 0 });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(!hasOpenssl())(
    '--tls serves HTTPS with a self-signed certificate written to caFile',
    async () => {
      child = spawn(process.execPath, [bin, '--port', '0', '--tls', '--codebase', 'v2025_1'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const info = JSON.parse(await firstLine(child)) as Record<string, string>;
      expect(Object.keys(info)).toEqual(keys);
      expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(info.caFile ?? '', 'utf8');
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const discovery = await httpsGet(`${info.url}/login/companyinfo/${info.companyId}`, ca, {});
      expect(JSON.parse(discovery.body)).toMatchObject({ Codebase: 'v2025_1/' });
      const api = await httpsGet(`${info.url}/v2025_1/apis/3.0/company/companies/count`, ca, {
        Authorization: basicAuth({
          companyId: info.companyId ?? '',
          publicKey: info.publicKey ?? '',
          privateKey: info.privateKey ?? '',
        }),
        clientId: info.clientId ?? '',
      });
      expect(api.status).toBe(200);
      // Without the CA the certificate is not trusted: the sandbox is not a silently trusted origin.
      await expect(fetch(`${info.url}/login/companyinfo/x`)).rejects.toThrow();
      child.kill('SIGTERM');
      await once(child, 'exit');
      expect(existsSync(info.caFile ?? ''), 'the generated certificate is removed on shutdown').toBe(false);
    },
  );

  it('--help prints usage; a bad option exits 2', async () => {
    child = spawn(process.execPath, [bin, '--help']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: connectwise-sandbox/);
    expect(out).toMatch(/--tls/);
    child = spawn(process.execPath, [bin, '--seed', 'scale:x']);
    const [badCode] = (await once(child, 'exit')) as [number | null];
    expect(badCode).toBe(2);
  });
});
