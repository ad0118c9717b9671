import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCertificate {
  cert: string;
  key: string;
  /** the certificate's PEM on disk: trust it with NODE_EXTRA_CA_CERTS or a client's `ca` option */
  caFile: string;
}

/**
 * A fresh self-signed certificate for 127.0.0.1, ::1 and localhost (plus `host`), made with the
 * system's `openssl` (ADR 0009: no certificate library, no bundled key). Valid 30 days.
 */
export function makeSelfSignedCertificate(host: string, dir?: string): SelfSignedCertificate {
  const target = dir ?? mkdtempSync(join(tmpdir(), 'connectwise-sandbox-'));
  mkdirSync(target, { recursive: true });
  const keyFile = join(target, 'key.pem');
  const caFile = join(target, 'cert.pem');
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  if (host !== '' && host !== '0.0.0.0' && host !== '::')
    names.add(/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`);
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        caFile,
        '-days',
        '30',
        '-subj',
        '/CN=connectwise-sandbox',
        '-addext',
        `subjectAltName=${[...names].join(',')}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `--tls needs openssl on PATH to make a self-signed certificate${stderr ? `: ${stderr}` : ''}`,
      { cause: error },
    );
  }
  return { cert: readFileSync(caFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), caFile };
}
