import { describe, expect, it } from 'vitest';

import { decodeCursor, likeContains, likePrefix, prefixUpperBound } from './lookup.repository.js';

describe('like patterns', () => {
  it.each([
    ['acme', '%acme%', 'acme%'],
    ['100%', '%100\\%%', '100\\%%'],
    ['a_b', '%a\\_b%', 'a\\_b%'],
    ['c:\\x', '%c:\\\\x%', 'c:\\\\x%'],
  ])('%j → contains %j, prefix %j', (text, contains, prefix) => {
    expect(likeContains(text)).toBe(contains);
    expect(likePrefix(text)).toBe(prefix);
  });
});

describe('prefixUpperBound', () => {
  it.each([
    ['acme', 'acmf'],
    ['a', 'b'],
    ['harbor ', 'harbor!'],
    ['zurich', 'zurici'],
    ['go 😀', 'go 😁'],
  ])('%j → %j', (prefix, bound) => {
    expect(prefixUpperBound(prefix)).toBe(bound);
  });

  it('bounds every string that starts with the prefix, and nothing else after it', () => {
    const bound = prefixUpperBound('acme');
    for (const s of ['acme', 'acme corp', 'acmezzzz', 'acme\u{ffff}'])
      expect(s >= 'acme' && s < bound).toBe(true);
    for (const s of ['acmf', 'acn', 'b', 'acm']) expect(s >= 'acme' && s < bound).toBe(false);
  });
});

describe('decodeCursor', () => {
  it('reads back what the search issued and rejects anything else', () => {
    const issued = Buffer.from(JSON.stringify([1, 'acme corp', '42'])).toString('base64url');
    expect(decodeCursor(issued)).toStrictEqual([1, 'acme corp', '42']);
    for (const bad of [
      'garbage',
      Buffer.from('[2,"a","b"]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[0,1,"b"]').toString('base64url'),
    ]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});
