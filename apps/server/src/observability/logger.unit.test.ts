import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { loggerOptions } from './logger.js';

function capture(): { logger: pino.Logger; lines: () => string } {
  let output = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  return { logger: pino(loggerOptions('debug'), stream), lines: () => output };
}

describe('logger redaction', () => {
  it('never writes secrets from headers, credentials, passwords or tokens', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer s3cret-bearer',
            cookie: 'coro_session=s3cret-cookie',
            'x-csrf-token': 's3cret-csrf',
          },
        },
        request: {
          headers: {
            Secret: 's3cret-at',
            ApiIntegrationCode: 's3cret-code',
            secret: 's3cret-lower',
            apiintegrationcode: 's3cret-code2',
          },
        },
        credentials: { username: 'api@x', secret: 's3cret-cred' },
        body: { password: 's3cret-pw' },
        password: 's3cret-top',
        user: { token: 's3cret-token' },
      },
      'hello',
    );
    const text = lines();
    expect(text).toContain('hello');
    expect(text).not.toMatch(/s3cret/);
    expect(text).toContain('[redacted]');
  });
});
