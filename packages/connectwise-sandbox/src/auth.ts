import { CwError } from './cw-error.js';
import type { SecurityArea } from './entities/collections.js';

export const accessLevels = ['none', 'inquire', 'all'] as const;
export type AccessLevel = (typeof accessLevels)[number];
export type SecurityRole = Record<SecurityArea, AccessLevel>;

export const fullRole: SecurityRole = { company: 'all', finance: 'all', procurement: 'all', system: 'all' };

/** An API member's key pair (System › Members › API Members › API Keys) and its security role. */
export interface ApiMember {
  publicKey: string;
  privateKey: string;
  memberIdentifier: string;
  role: SecurityRole;
}

export interface BasicCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
}

const incorrect = (): CwError =>
  new CwError(
    401,
    'Unauthorized',
    'The supplied authentication is incorrect. Please check your company, public key and private key.',
  );

/** `Basic base64(companyId+publicKey:privateKey)`: split at the first `:`, then at the first `+`. */
export function parseBasic(header: string | undefined): BasicCredentials {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) throw incorrect();
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, colon);
  const plus = user.indexOf('+');
  if (colon < 0 || plus < 1) throw incorrect();
  return {
    companyId: user.slice(0, plus),
    publicKey: user.slice(plus + 1),
    privateKey: decoded.slice(colon + 1),
  };
}

/** The member the credentials name, or a 401 that says nothing about which part was wrong. */
export function findMember(
  credentials: BasicCredentials,
  members: readonly ApiMember[] | undefined,
): ApiMember {
  const member = members?.find((m) => m.publicKey === credentials.publicKey);
  if (!member || member.privateKey !== credentials.privateKey) throw incorrect();
  return member;
}

/** The clientId header is required on every call (enforced since 2019-08, reference §2). */
export function checkClientId(value: string | undefined, registered: ReadonlySet<string>): void {
  if (value === undefined || value.trim() === '')
    throw new CwError(
      401,
      'Unauthorized',
      'A clientId header is required. Register your integration at developer.connectwise.com to get one.',
    );
  if (!registered.has(value.trim().toLowerCase()))
    throw new CwError(401, 'Unauthorized', `clientId '${value}' is not a registered integration.`);
}

export function checkRole(member: ApiMember, area: SecurityArea, method: string): void {
  const level = member.role[area];
  const ok = method === 'GET' ? level !== 'none' : level === 'all';
  if (!ok) throw new CwError(403, 'Security', 'You do not have security permission to perform this action.');
}
