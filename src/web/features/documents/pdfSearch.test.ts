import { describe, expect, it } from 'vitest';
import { findInPages } from './pdfSearch.js';

describe('findInPages', () => {
  it('counts matches per page, ignoring case', () => {
    expect(findInPages(['Hello hello', 'nothing', 'HELLO there'], 'hello')).toEqual([
      { page: 1, count: 2 },
      { page: 3, count: 1 },
    ]);
  });

  it('finds nothing for an empty query and does not overlap matches', () => {
    expect(findInPages(['aaaa'], '  ')).toEqual([]);
    expect(findInPages(['aaaa'], 'aa')).toEqual([{ page: 1, count: 2 }]);
  });
});
