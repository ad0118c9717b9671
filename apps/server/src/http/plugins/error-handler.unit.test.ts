import { appErrorCodes } from '@coro/contracts';
import { describe, expect, it } from 'vitest';

import { AppError, appErrorFromPsa } from '../../app/app-error.js';
import { httpStatusByCode, toAppError } from './error-handler.js';

describe('toAppError', () => {
  it('maps every code to a status, psa_* never to 401/403', () => {
    for (const code of appErrorCodes) {
      const status = httpStatusByCode[code];
      expect(status).toBeGreaterThanOrEqual(400);
      if (code.startsWith('psa_')) expect([401, 403]).not.toContain(status);
    }
  });

  it.each([
    ['AppError', new AppError('conflict', 'x'), 'conflict', false],
    [
      'validation error',
      Object.assign(new Error('v'), {
        validation: [{ instancePath: '/a', message: 'must be integer' }],
        validationContext: 'body',
      }),
      'validation_failed',
      false,
    ],
    [
      'body too large',
      Object.assign(new Error('big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
      'payload_too_large',
      false,
    ],
    ['framework 404', Object.assign(new Error('nf'), { statusCode: 404 }), 'not_found', false],
    ['framework 429', Object.assign(new Error('rl'), { statusCode: 429 }), 'rate_limited', false],
    ['unknown 4xx', Object.assign(new Error('teapot'), { statusCode: 418 }), 'bad_request', false],
    ['plain bug', new Error('boom'), 'internal', true],
    ['thrown string', 'boom', 'internal', true],
  ] as const)('%s → %s', (_name, error, code, isBug) => {
    const result = toAppError(error);
    expect(result.appError.code).toBe(code);
    expect(result.isBug).toBe(isBug);
  });

  it('describes validation issues in details', () => {
    const { appError } = toAppError(
      Object.assign(new Error('v'), {
        validation: [{ instancePath: '/devices', message: 'must be integer' }],
        validationContext: 'body',
      }),
    );
    expect(appError.details).toStrictEqual({
      issues: [{ in: 'body', path: '/devices', message: 'must be integer' }],
    });
    expect(appError.message).toBe('Invalid body: body/devices must be integer');
  });

  it('passes PSA failures through with advice', () => {
    const error = appErrorFromPsa({
      code: 'bad_secret',
      message: 'Autotask rejected the secret.',
      advice: 'Generate a new secret.',
      retryAfterMs: 5,
    });
    expect(error.code).toBe('psa_bad_secret');
    expect(error.details).toStrictEqual({ advice: 'Generate a new secret.', retryAfterMs: 5 });
  });
});
