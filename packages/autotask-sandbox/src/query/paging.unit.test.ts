import { describe, expect, it } from 'vitest';
import { firstPageStart, pageLinks, parseCursor } from './paging.js';
import { ApiError } from '../api-error.js';

const base = 'http://h/ATServicesRest/V1.0/Companies/query/next';

function decode(url: string | null): { paging: unknown; search: string | null } {
  if (url === null) throw new Error('no url');
  const u = new URL(url);
  return { paging: JSON.parse(u.searchParams.get('paging') ?? ''), search: u.searchParams.get('search') };
}

describe('paging cursor', () => {
  it('first page of a POST query links to the next page without search', () => {
    const links = pageLinks(base, { pageSize: 500, previousIds: [], nextIds: [firstPageStart] }, 725, null);
    expect(links.prevPageUrl).toBeNull();
    expect(decode(links.nextPageUrl)).toEqual({
      paging: { pageSize: 500, previousIds: [-1], nextIds: [725] },
      search: null,
    });
  });

  it('GET-initiated queries carry the search text forward', () => {
    const links = pageLinks(base, { pageSize: 2, previousIds: [], nextIds: [-1] }, 9, '{"filter":[]}');
    expect(decode(links.nextPageUrl).search).toBe('{"filter":[]}');
  });

  it('a middle page links back and forward, the last page has no next', () => {
    const middle = pageLinks(base, { pageSize: 2, previousIds: [-1], nextIds: [9] }, 20, null);
    expect(decode(middle.prevPageUrl).paging).toEqual({ pageSize: 2, previousIds: [], nextIds: [-1] });
    expect(decode(middle.nextPageUrl).paging).toEqual({ pageSize: 2, previousIds: [-1, 9], nextIds: [20] });
    expect(
      pageLinks(base, { pageSize: 2, previousIds: [-1, 9], nextIds: [20] }, null, null).nextPageUrl,
    ).toBeNull();
  });

  it('parses a valid cursor and rejects junk', () => {
    expect(parseCursor('{"pageSize":3,"previousIds":[-1],"nextIds":[7]}')).toEqual({
      pageSize: 3,
      previousIds: [-1],
      nextIds: [7],
    });
    for (const bad of [
      null,
      'x',
      '{"pageSize":0,"previousIds":[],"nextIds":[1]}',
      '{"pageSize":5,"previousIds":[],"nextIds":[]}',
    ]) {
      expect(() => parseCursor(bad)).toThrow(ApiError);
    }
  });
});
