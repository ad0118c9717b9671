import { describe, expect, it } from 'vitest';

import { parseUsageFile } from './usage-file.js';

const id = '01900000-0000-7000-8000-000000000001';

describe('parseUsageFile', () => {
  it('reads CSV with columns in any order', () => {
    const csv = `day,workspaceId,serviceKey,users,devices\n2026-11-01,${id},edr,3,4\r\n\n2026-11-02,${id},edr,3,5\n`;
    expect(parseUsageFile('x.csv', csv)).toStrictEqual({
      records: [
        { workspaceId: id, serviceKey: 'edr', day: '2026-11-01', devices: 4, users: 3 },
        { workspaceId: id, serviceKey: 'edr', day: '2026-11-02', devices: 5, users: 3 },
      ],
      problems: [],
    });
  });

  it('reads JSON arrays and {records}', () => {
    const record = { workspaceId: id, serviceKey: 'edr', day: '2026-11-01', devices: 4, users: 3 };
    expect(parseUsageFile('x.json', JSON.stringify([record])).records).toStrictEqual([record]);
    expect(parseUsageFile('X.JSON', JSON.stringify({ records: [record] })).records).toStrictEqual([record]);
  });

  it('reports shape problems per line', () => {
    expect(parseUsageFile('x.csv', 'workspaceId,day\n').problems).toStrictEqual([
      'CSV header lacks: serviceKey, devices, users',
    ]);
    const bad = parseUsageFile(
      'x.csv',
      `workspaceId,serviceKey,day,devices,users\n${id},EDR,2026-1-1,-1,x\n`,
    );
    expect(bad.problems).toStrictEqual([
      'line 2: serviceKey "EDR" is not a catalog key; day "2026-1-1" is not YYYY-MM-DD; devices must be a whole number ≥ 0; users must be a whole number ≥ 0',
    ]);
    expect(parseUsageFile('x.json', '{').problems[0]).toContain('not valid JSON');
    expect(parseUsageFile('x.json', '{"a":1}').problems).toStrictEqual([
      'expected an array of records or {"records": [...]}',
    ]);
  });
});
