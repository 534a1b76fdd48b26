import { pagesOfRange } from '../paging';
import {
  EMPTY_RANGE,
  IViewport,
  rowAttributes,
  sameRange,
  visibleRange
} from '../components/windowing';

const ROW = 30;

/** A 300-pixel-high list of 10,000 rows of 30 pixels, scrolled by `scrollTop`. */
function viewport(scrollTop: number, changes: Partial<IViewport> = {}) {
  return {
    scrollTop,
    viewportHeight: 300,
    rowHeight: ROW,
    itemCount: 10000,
    overscan: 8,
    ...changes
  };
}

describe('visibleRange', () => {
  it('shows the rows in view, one more for a partly shown row, and overscan below', () => {
    // 10 rows fit, 11 show when scrolled between rows, 8 more below.
    expect(visibleRange(viewport(0))).toEqual({ start: 0, end: 19 });
  });

  it('adds the overscan on both sides in the middle of the list', () => {
    expect(visibleRange(viewport(100 * ROW))).toEqual({
      start: 92,
      end: 119
    });
  });

  it('counts a partly scrolled-out row as the first in view', () => {
    expect(visibleRange(viewport(100 * ROW + 29))).toEqual(
      visibleRange(viewport(100 * ROW))
    );
    expect(visibleRange(viewport(100 * ROW + 30)).start).toBe(93);
  });

  it('ends at the last row when scrolled to the bottom', () => {
    const bottom = 10000 * ROW - 300;
    expect(visibleRange(viewport(bottom))).toEqual({
      start: 9982,
      end: 10000
    });
  });

  it('renders as few rows for 10,000 as for 40', () => {
    for (const scrollTop of [0, 12345, 150000, 299700]) {
      const { start, end } = visibleRange(viewport(scrollTop));
      expect(end - start).toBeLessThanOrEqual(27);
      expect(end - start).toBeGreaterThan(10);
    }
  });

  it('shows exactly the rows in view without overscan', () => {
    expect(visibleRange(viewport(3 * ROW, { overscan: 0 }))).toEqual({
      start: 3,
      end: 14
    });
  });

  it('shows everything of a short list', () => {
    expect(visibleRange(viewport(0, { itemCount: 4 }))).toEqual({
      start: 0,
      end: 4
    });
  });

  it('shows nothing of an empty list', () => {
    expect(visibleRange(viewport(0, { itemCount: 0 }))).toEqual(EMPTY_RANGE);
  });

  it('gives an empty range, not a reversed one, when the list shrank under the view', () => {
    const { start, end } = visibleRange(viewport(5000 * ROW, { itemCount: 5 }));
    expect(start).toBe(end);
  });

  it('asks only for the last page when scrolled to the end of 10,000 rows', () => {
    const { start, end } = visibleRange(viewport(10000 * ROW - 300));
    expect(pagesOfRange(start, end, 10000)).toEqual([99]);
  });
});

describe('sameRange', () => {
  it('compares the rows, not the objects', () => {
    expect(sameRange({ start: 1, end: 5 }, { start: 1, end: 5 })).toBe(true);
    expect(sameRange({ start: 1, end: 5 }, { start: 1, end: 6 })).toBe(false);
    expect(sameRange({ start: 0, end: 5 }, { start: 1, end: 5 })).toBe(false);
  });
});

describe('rowAttributes', () => {
  it('tells assistive tech the position of the row in the whole list, from 1', () => {
    expect(rowAttributes(0, 10000, ROW)).toMatchObject({
      role: 'listitem',
      'aria-posinset': 1,
      'aria-setsize': 10000
    });
    expect(rowAttributes(9999, 10000, ROW)).toMatchObject({
      'aria-posinset': 10000,
      'aria-setsize': 10000
    });
  });

  it('places the row at its offset in the whole list', () => {
    expect(rowAttributes(0, 10000, ROW).style).toEqual({ top: 0, height: 30 });
    expect(rowAttributes(250, 10000, ROW).style).toEqual({
      top: 7500,
      height: 30
    });
  });
});
