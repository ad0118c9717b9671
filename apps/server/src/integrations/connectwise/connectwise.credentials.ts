/**
 * ConnectWise logins in the port's three credential fields. The port was shaped by Autotask
 * (username, secret, integration code); ConnectWise needs site, company ID, public and private key
 * plus the integration's clientId. We carry them as `username = companyId+publicKey@site` (the
 * Basic-auth user ConnectWise itself uses, plus where it lives), `secret = privateKey` and
 * `integrationCode = clientId` (from server config, like Autotask's integration code).
 */
import type { PsaCredentials, PsaError } from '../../psa/psa-provider.port.js';
import type { CwLogin } from './connectwise.client.js';

export interface CwCredentialFields {
  readonly site: string;
  readonly companyId: string;
  readonly publicKey: string;
  readonly privateKey: string;
}

/** Header-safe printable ASCII without spaces: keys, ids and host names never need more. */
const token = /^[\x21-\x7e]+$/;
/** A host name or IP with an optional port; no scheme or path (we always build `https://{site}/`). */
const siteShape = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:]+\](:\d{1,5})?$/;

export function encodeCwCredentials(fields: CwCredentialFields, clientId: string): PsaCredentials {
  return {
    username: `${fields.companyId.trim()}+${fields.publicKey.trim()}@${normalizeSite(fields.site)}`,
    secret: fields.privateKey.trim(),
    integrationCode: clientId,
  };
}

/** Users paste `https://na.myconnectwise.net/` from the browser; keep the host only. */
export function normalizeSite(site: string): string {
  return site
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

export function decodeCwCredentials(
  credentials: PsaCredentials,
): { ok: true; login: CwLogin } | { ok: false; error: PsaError } {
  const at = credentials.username.lastIndexOf('@');
  const user = at < 0 ? '' : credentials.username.slice(0, at);
  const site = at < 0 ? '' : credentials.username.slice(at + 1);
  const plus = user.indexOf('+');
  const companyId = plus < 1 ? '' : user.slice(0, plus);
  const publicKey = plus < 1 ? '' : user.slice(plus + 1);
  if (!siteShape.test(site))
    return fail(
      'zone_unknown',
      'The ConnectWise site is not a host name.',
      'Type the site as in your browser, e.g. na.myconnectwise.net.',
    );
  if (!token.test(companyId) || companyId.includes(':'))
    return fail(
      'bad_username',
      'The company ID contains characters ConnectWise cannot receive.',
      'Type the company ID from the ConnectWise login screen.',
    );
  if (!token.test(publicKey) || publicKey.includes(':'))
    return fail(
      'bad_username',
      'The public key contains characters ConnectWise cannot receive.',
      'Copy the public key again from System › Members › API Members › API Keys.',
    );
  if (!token.test(credentials.secret))
    return fail(
      'bad_secret',
      'The private key contains characters ConnectWise cannot receive.',
      'Copy the private key again (ConnectWise shows it once; create a new key pair if needed).',
    );
  if (!token.test(credentials.integrationCode))
    return fail(
      'bad_integration_code',
      'The server has no ConnectWise clientId.',
      'Set CONNECTWISE_CLIENT_ID on the server (issued at developer.connectwise.com).',
    );
  return {
    ok: true,
    login: {
      site,
      companyId,
      publicKey,
      privateKey: credentials.secret,
      clientId: credentials.integrationCode,
    },
  };
}

const fail = (code: PsaError['code'], message: string, advice: string): { ok: false; error: PsaError } => ({
  ok: false,
  error: { code, message, advice },
});
