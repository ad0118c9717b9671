import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { SecretBox, envelopeKeyId, parseKeyRing } from './secret-box.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const aad = 'connector:0193a0c0-0000-7000-8000-000000000001:credentials';

describe('SecretBox', () => {
  it('round-trips with the v1 envelope under the primary key', () => {
    const box = new SecretBox([k1]);
    const envelope = box.seal('s3cr3t', aad);
    expect(envelope).toMatch(/^v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(envelope).not.toContain('s3cr3t');
    expect(box.open(envelope, aad)).toStrictEqual({ ok: true, value: 's3cr3t' });
  });

  it('uses a fresh IV per seal', () => {
    const box = new SecretBox([k1]);
    expect(box.seal('same', aad)).not.toBe(box.seal('same', aad));
  });

  it('refuses a ciphertext moved to another row (wrong AAD)', () => {
    const box = new SecretBox([k1]);
    const envelope = box.seal('s3cr3t', aad);
    expect(box.open(envelope, 'connector:other:credentials')).toStrictEqual({
      ok: false,
      error: 'auth_failed',
    });
  });

  it.each([
    ['ciphertext', 4],
    ['tag', 3],
    ['iv', 2],
  ])('detects a tampered %s', (_name, index) => {
    const box = new SecretBox([k1]);
    const parts = box.seal('s3cr3t-value', aad).split(':');
    const bytes = Buffer.from(parts[index]!, 'base64');
    bytes[0] = bytes[0]! ^ 0xff;
    parts[index] = bytes.toString('base64');
    expect(box.open(parts.join(':'), aad)).toStrictEqual({ ok: false, error: 'auth_failed' });
  });

  it('reports unknown keys and malformed envelopes as values', () => {
    const sealed = new SecretBox([k2]).seal('x', aad);
    expect(new SecretBox([k1]).open(sealed, aad)).toStrictEqual({ ok: false, error: 'unknown_key' });
    expect(new SecretBox([k1]).open('plaintext', aad)).toStrictEqual({ ok: false, error: 'malformed' });
    expect(new SecretBox([k1]).open('v2:k1:a:b:c', aad)).toStrictEqual({ ok: false, error: 'malformed' });
  });

  it('rotates: old envelopes stay readable, needsRotation flags them, reseal moves them to the primary', () => {
    const old = new SecretBox([k1]).seal('s3cr3t', aad);
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.open(old, aad)).toStrictEqual({ ok: true, value: 's3cr3t' });
    const resealed = rotated.reseal(old, aad);
    expect(resealed.ok).toBe(true);
    if (!resealed.ok) return;
    expect(resealed.value.startsWith('v1:k2:')).toBe(true);
    expect(rotated.needsRotation(resealed.value)).toBe(false);
    expect(new SecretBox([k2]).open(resealed.value, aad)).toStrictEqual({ ok: true, value: 's3cr3t' });
  });

  it('names the key of an envelope without opening it, and knows its own key ids', () => {
    expect(envelopeKeyId(new SecretBox([k2, k1]).seal('x', aad))).toBe('k2');
    expect(envelopeKeyId('v1:k9:a:b:c')).toBe('k9');
    expect(envelopeKeyId('plaintext')).toBeNull();
    expect(envelopeKeyId('v2:k1:a:b:c')).toBeNull();
    expect(envelopeKeyId('v1::a:b:c')).toBeNull();
    const box = new SecretBox([k2, k1]);
    expect([box.hasKey('k1'), box.hasKey('k2'), box.hasKey('k3')]).toStrictEqual([true, true, false]);
  });

  it('seals JSON credential objects', () => {
    const box = new SecretBox([k1]);
    const envelope = box.sealJson({ username: 'u', secret: 's' }, aad);
    expect(box.openJson(envelope, aad)).toStrictEqual({ ok: true, value: { username: 'u', secret: 's' } });
  });
});

describe('parseKeyRing', () => {
  const b64 = randomBytes(32).toString('base64');
  it('parses ids in order, first is primary', () => {
    const ring = parseKeyRing(`k2:${b64}, k1:${b64}`);
    expect(ring.ok && ring.value.map((k) => k.id)).toStrictEqual(['k2', 'k1']);
  });
  it.each([
    ['', 'no key given'],
    ['k1', 'each key must be'],
    [`k1:${randomBytes(16).toString('base64')}`, 'must decode to 32 bytes'],
    [`k1:${b64},k1:${b64}`, 'appears twice'],
    [`bad id:${b64}`, 'must match'],
  ])('rejects %j', (value, message) => {
    const ring = parseKeyRing(value);
    expect(ring.ok).toBe(false);
    if (!ring.ok) expect(ring.error).toContain(message);
  });
});
