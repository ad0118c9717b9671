import { spawnSync } from 'node:child_process';

/**
 * Whether `--tls` can make a certificate here. HTTPS tests skip loudly without openssl, and fail
 * instead in CI (CI=true), like the other tests that need a system tool.
 */
export function hasOpenssl(): boolean {
  const found = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
  if (found) return true;
  if (process.env.CI === 'true')
    throw new Error('openssl is missing: CI must install it (apt-get install openssl).');
  console.warn(
    [
      '',
      '############################################################################',
      '#  SKIPPING the connectwise-sandbox HTTPS tests: openssl is not on PATH.',
      '#  Install it with `apt-get install openssl`.',
      '############################################################################',
      '',
    ].join('\n'),
  );
  return false;
}
