import { AppError } from '../../app/app-error.js';
import type { AppInstance } from '../routes/route-plugin.js';

/**
 * PostgreSQL text cannot hold U+0000 (it answers "invalid byte sequence", a 500), SQLite stores it
 * and truncates it in places, and no name, search or credential legitimately contains it. So it is
 * refused once, for every route, in the body, the query string and the path, before validation.
 */
export function registerInputGuard(app: AppInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const parts = { body: request.body, querystring: request.query, params: request.params };
    const part = Object.entries(parts).find(([, value]) => containsNul(value, 0))?.[0];
    if (part === undefined) done();
    else
      done(
        new AppError(
          'validation_failed',
          `Invalid ${part}: text may not contain the NUL character (U+0000).`,
        ),
      );
  });
}

function containsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  // Bodies are bounded by bodyLimit; the depth bound only stops pathological nesting.
  if (depth > 64 || typeof value !== 'object' || value === null) return false;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(child, depth + 1)) return true;
  }
  return false;
}
