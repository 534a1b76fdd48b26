import {
  locateRow,
  PAGE_SIZE,
  pageOffset,
  pagesOfRange,
  pagesToRequest
} from '../paging';

const TOTAL = 10000;

describe('locateRow', () => {
  it('finds a row in the page of its hundred, at its place in it', () => {
    expect(locateRow(0)).toEqual({ page: 0, slot: 0 });
    expect(locateRow(99)).toEqual({ page: 0, slot: 99 });
    expect(locateRow(100)).toEqual({ page: 1, slot: 0 });
    expect(locateRow(9999)).toEqual({ page: 99, slot: 99 });
  });

  it('follows the page size it is given', () => {
    expect(locateRow(25, 10)).toEqual({ page: 2, slot: 5 });
  });
});

describe('pageOffset', () => {
  it('is the offset of the page first row, as a request asks for it', () => {
    expect(PAGE_SIZE).toBe(100);
    expect(pageOffset(0)).toBe(0);
    expect(pageOffset(99)).toBe(9900);
    expect(pageOffset(3, 10)).toBe(30);
  });

  it('round-trips with locateRow', () => {
    for (const index of [0, 1, 99, 100, 4321, 9999]) {
      const { page, slot } = locateRow(index);
      expect(pageOffset(page) + slot).toBe(index);
    }
  });
});

describe('pagesOfRange', () => {
  it('needs one page for rows inside it', () => {
    expect(pagesOfRange(0, 28, TOTAL)).toEqual([0]);
    expect(pagesOfRange(120, 150, TOTAL)).toEqual([1]);
  });

  it('needs both pages for rows across a page boundary', () => {
    expect(pagesOfRange(90, 130, TOTAL)).toEqual([0, 1]);
    expect(pagesOfRange(99, 101, TOTAL)).toEqual([0, 1]);
  });

  it('treats the end as exclusive', () => {
    expect(pagesOfRange(0, 100, TOTAL)).toEqual([0]);
    expect(pagesOfRange(0, 101, TOTAL)).toEqual([0, 1]);
  });

  it('needs only the last page at the end of 10,000 rows', () => {
    expect(pagesOfRange(9973, 10000, TOTAL)).toEqual([99]);
  });

  it('stops at the last row there is', () => {
    expect(pagesOfRange(0, 500, 150)).toEqual([0, 1]);
    expect(pagesOfRange(90, 5000, 100)).toEqual([0]);
  });

  it('needs nothing for an empty range or list', () => {
    expect(pagesOfRange(0, 0, TOTAL)).toEqual([]);
    expect(pagesOfRange(40, 40, TOTAL)).toEqual([]);
    expect(pagesOfRange(0, 30, 0)).toEqual([]);
    expect(pagesOfRange(200, 250, 150)).toEqual([]);
  });
});

describe('pagesToRequest', () => {
  it('asks for every page of the range when none was asked for', () => {
    expect(pagesToRequest(150, 420, TOTAL, () => false)).toEqual([1, 2, 3, 4]);
  });

  it('leaves out pages loaded or loading', () => {
    const requested = new Set([2, 4]);
    expect(
      pagesToRequest(150, 420, TOTAL, page => requested.has(page))
    ).toEqual([1, 3]);
  });

  it('asks for nothing when the range is all there', () => {
    expect(pagesToRequest(0, 100, TOTAL, page => page === 0)).toEqual([]);
  });
});
