import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelopes for secrets at rest: `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`.
 * The AAD binds a ciphertext to its row (e.g. `connector:<id>:credentials`) so a value copied into
 * another row does not decrypt. The first key of the ring encrypts; every key decrypts, which
 * makes rotation "add a key in front, re-seal rows where needsRotation() is true".
 */
export interface KeySpec {
  readonly id: string;
  readonly key: Buffer;
}

export type BoxResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const secretBoxFailures = ['malformed', 'unknown_key', 'auth_failed'] as const;
export type SecretBoxFailure = (typeof secretBoxFailures)[number];
export type OpenResult =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: SecretBoxFailure };

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `k2:<base64 32B>,k1:<base64 32B>`. */
export function parseKeyRing(value: string): BoxResult<KeySpec[]> {
  const specs: KeySpec[] = [];
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const colon = part.indexOf(':');
    if (colon <= 0) return { ok: false, error: 'each key must be "<id>:<base64 of 32 bytes>"' };
    const id = part.slice(0, colon);
    if (!KEY_ID.test(id)) return { ok: false, error: `key id "${id}" must match ${KEY_ID.source}` };
    const key = Buffer.from(part.slice(colon + 1), 'base64');
    if (key.length !== 32)
      return { ok: false, error: `key "${id}" must decode to 32 bytes (got ${key.length})` };
    if (specs.some((s) => s.id === id)) return { ok: false, error: `key id "${id}" appears twice` };
    specs.push({ id, key });
  }
  if (specs.length === 0) return { ok: false, error: 'no key given' };
  return { ok: true, value: specs };
}

/** The key id an envelope names (not a secret), or null when the value is not a v1 envelope. */
export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split(':');
  return parts.length === 5 && parts[0] === VERSION && parts[1] !== '' ? (parts[1] ?? null) : null;
}

export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly primary: KeySpec;

  constructor(keys: readonly KeySpec[]) {
    const primary = keys[0];
    if (!primary) throw new Error('SecretBox needs at least one key');
    this.primary = primary;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  get primaryKeyId(): string {
    return this.primary.id;
  }

  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.primary.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.primary.id,
      iv.toString('base64'),
      tag.toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  open(envelope: string, aad: string): OpenResult {
    const parts = envelope.split(':');
    if (parts.length !== 5 || parts[0] !== VERSION) return { ok: false, error: 'malformed' };
    const [, keyId, ivB64, tagB64, ctB64] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) return { ok: false, error: 'unknown_key' };
    const iv = Buffer.from(ivB64, 'base64');
    const tag = Buffer.from(tagB64, 'base64');
    if (iv.length !== 12 || tag.length !== 16) return { ok: false, error: 'malformed' };
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64')), decipher.final()]);
      return { ok: true, value: plaintext.toString('utf8') };
    } catch {
      // GCM authentication failure: wrong AAD, wrong key material or tampered bytes.
      return { ok: false, error: 'auth_failed' };
    }
  }

  /** True when the envelope was not sealed with the current primary key (or is not an envelope). */
  needsRotation(envelope: string): boolean {
    return envelopeKeyId(envelope) !== this.primary.id;
  }

  /** Re-seals under the primary key; unchanged envelopes are returned as is. */
  reseal(envelope: string, aad: string): OpenResult {
    if (!this.needsRotation(envelope)) return { ok: true, value: envelope };
    const opened = this.open(envelope, aad);
    return opened.ok ? { ok: true, value: this.seal(opened.value, aad) } : opened;
  }

  /** JSON convenience for credential objects. */
  sealJson(value: unknown, aad: string): string {
    return this.seal(JSON.stringify(value), aad);
  }

  /** The value is untrusted `unknown`: validate its shape before use. */
  openJson(
    envelope: string,
    aad: string,
  ):
    | { readonly ok: true; readonly value: unknown }
    | { readonly ok: false; readonly error: SecretBoxFailure } {
    const opened = this.open(envelope, aad);
    if (!opened.ok) return opened;
    try {
      return { ok: true, value: JSON.parse(opened.value) as unknown };
    } catch {
      return { ok: false, error: 'malformed' };
    }
  }
}
