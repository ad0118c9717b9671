import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { SecretBox, envelopeKeyId, type KeySpec, type SecretBoxFailure } from '../crypto/secret-box.js';
import { sealedColumns } from './sealed-columns.js';
import { describeFailure, planReseal, type RotationFailure } from './secret-rotation.js';

const key = (id: string): KeySpec => ({ id, key: randomBytes(32) });
const ka = key('ka');
const kb = key('kb');
const aad = 'connector:0193a0c0-0000-7000-8000-000000000001:credentials';
const otherAad = 'connector:0193a0c0-0000-7000-8000-000000000002:credentials';

describe('planReseal', () => {
  const ring = new SecretBox([kb, ka]);

  it('re-seals an envelope of an older key under the primary, to the same secret', () => {
    const old = new SecretBox([ka]).seal('s3cr3t', aad);
    const plan = planReseal(ring, old, aad);
    expect(plan.kind).toBe('reseal');
    if (plan.kind !== 'reseal') return;
    expect(plan.fromKeyId).toBe('ka');
    expect(envelopeKeyId(plan.envelope)).toBe('kb');
    expect(new SecretBox([kb]).open(plan.envelope, aad)).toStrictEqual({ ok: true, value: 's3cr3t' });
  });

  it('leaves an envelope of the primary key alone', () => {
    expect(planReseal(ring, ring.seal('s3cr3t', aad), aad)).toStrictEqual({ kind: 'current' });
  });

  const cases: readonly [string, () => string, SecretBoxFailure, string | null][] = [
    ['a key outside the ring', () => new SecretBox([key('kx')]).seal('s', aad), 'unknown_key', 'kx'],
    [
      'an id reused for other key material',
      () => new SecretBox([key('ka')]).seal('s', aad),
      'auth_failed',
      'ka',
    ],
    ['another row’s envelope', () => new SecretBox([ka]).seal('s', otherAad), 'auth_failed', 'ka'],
    ['even under the primary key', () => new SecretBox([kb]).seal('s', otherAad), 'auth_failed', 'kb'],
    ['a value that is no envelope', () => 'plain-text-secret', 'malformed', null],
  ];
  it.each(cases)('reports %s as a failure without writing', (_name, make, failure, keyId) => {
    expect(planReseal(ring, make(), aad)).toStrictEqual({ kind: 'failed', failure, keyId });
  });
});

describe('describeFailure', () => {
  const column = sealedColumns[0]!;
  const failure = (reason: RotationFailure['reason'], keyId: string | null): RotationFailure => ({
    column,
    rowId: '0193a0c0-0000-7000-8000-000000000001',
    keyId,
    reason,
  });

  it.each([
    [
      failure('unknown_key', 'kx'),
      ['"kx"', 'not in ENCRYPTION_KEYS (kb, ka)', 'Add that key back', 'keys rotate', 'credentials'],
    ],
    [failure('auth_failed', 'ka'), ['"ka"', 'does not open it', 'original key material', 'keys rotate']],
    [failure('malformed', null), ['not a secret-box envelope', 'credentials']],
    [failure('kept_changing', null), ['kept changing', 'keys rotate` again']],
  ])('names the row and the next step: %#', (input, fragments) => {
    const message = describeFailure(input, ['kb', 'ka']);
    expect(message).toContain(`psa_connectors.secret_box of connector ${input.rowId}`);
    for (const fragment of fragments) expect(message).toContain(fragment);
  });
});
