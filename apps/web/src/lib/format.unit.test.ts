import { describe, expect, it } from 'vitest';

import { describeNextSync, formatDateTime } from './format.js';

describe('next sync in the MSP time zone', () => {
  const schedule = { localTime: '06:00', timeZone: 'Europe/Berlin', spreadMinutes: 20 };

  it('shows the planned run at the MSP time of day plus the spread, in its zone', () => {
    // 06:20 in Berlin on 5 December is 05:20 UTC.
    expect(describeNextSync('2026-12-05T05:20:00.000Z', schedule)).toStrictEqual({
      when: 'Dec 5, 06:20 AM GMT+1',
      why: 'daily at 06:00 Europe/Berlin, this connector 20 min after',
    });
  });

  it('leaves the spread out when it is 0 and says nothing without a schedule', () => {
    expect(describeNextSync('2026-12-05T05:00:00.000Z', { ...schedule, spreadMinutes: 0 }).why).toBe(
      'daily at 06:00 Europe/Berlin',
    );
    expect(describeNextSync(null, null)).toStrictEqual({ when: '—', why: null });
  });

  it('formats in UTC by default', () => {
    expect(formatDateTime('2026-12-05T05:20:00.000Z')).toBe('Dec 5, 05:20 AM UTC');
  });
});
