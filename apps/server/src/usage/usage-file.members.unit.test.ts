import { describe, expect, it } from 'vitest';

import { parseUsageFile } from './usage-file.js';

const base = { workspaceId: 'w1', serviceKey: 'edr', day: '2026-11-02', devices: 2, users: 0 };

describe('parseUsageFile members (JSON)', () => {
  it('carries device and user members through', () => {
    const members = {
      devices: [
        { id: 'd1', name: 'PC-1' },
        { id: 'd2', name: 'PC-2' },
      ],
    };
    expect(parseUsageFile('u.json', JSON.stringify([{ ...base, members }]))).toStrictEqual({
      records: [{ ...base, members }],
      problems: [],
    });
  });

  it('leaves counts-only records without members', () => {
    expect(parseUsageFile('u.json', JSON.stringify([base])).records).toStrictEqual([base]);
  });

  it('reports malformed member lists per record', () => {
    const result = parseUsageFile(
      'u.json',
      JSON.stringify([
        { ...base, members: [] },
        { ...base, members: { devices: 'x' } },
        { ...base, members: { users: [{ email: 'a@b.c' }] } },
      ]),
    );
    expect(result.records).toStrictEqual([]);
    expect(result.problems).toStrictEqual([
      'record 0: members must be an object {devices?: [...], users?: [...]}',
      'record 1: members.devices must be an array',
      'record 2: members.users[0].id is empty',
    ]);
  });
});
