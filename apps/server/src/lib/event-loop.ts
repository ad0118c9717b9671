import { setTimeout } from 'node:timers/promises';

/**
 * Lets the event loop take a full turn (timers, then I/O) before the caller goes on, so long work
 * done in slices does not hold up requests (issue 12: nothing blocks the loop for over 50 ms). Not
 * `setImmediate`: called from an I/O callback it resumes in the same turn, before any other I/O.
 */
export const yieldToLoop = (): Promise<void> => setTimeout(0);
