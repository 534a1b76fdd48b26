/**
 * The arithmetic of the virtual list: which rows a scroll position shows, and how each
 * rendered row is placed and announced.
 *
 * Pure functions, so the list's behaviour is tested without a DOM.
 */

/** Rows `start` to `end` (exclusive). */
export interface IRange {
  start: number;
  end: number;
}

/** The rendered rows before the list is measured: none. */
export const EMPTY_RANGE: IRange = { start: 0, end: 0 };

/** What the list knows when it measures itself. */
export interface IViewport {
  /** How far the list is scrolled, in pixels. */
  scrollTop: number;
  /** The height of the scrolled area in view, in pixels. */
  viewportHeight: number;
  /** The height of every row, in pixels. */
  rowHeight: number;
  /** How many rows the list has. */
  itemCount: number;
  /** Rows rendered beyond each edge of the view. */
  overscan: number;
}

/** The rows to render: those in view, plus `overscan` beyond each edge, within the list. */
export function visibleRange(viewport: IViewport): IRange {
  const { scrollTop, viewportHeight, rowHeight, itemCount, overscan } =
    viewport;
  const first = Math.floor(scrollTop / rowHeight);
  // One more than fit: a partly scrolled view shows parts of two rows at its edges.
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const end = Math.max(0, Math.min(itemCount, first + visible + overscan));
  const start = Math.min(end, Math.max(0, first - overscan));
  return { start, end };
}

/** Whether two ranges hold the same rows. */
export function sameRange(a: IRange, b: IRange): boolean {
  return a.start === b.start && a.end === b.end;
}

/** The attributes of a rendered row. */
export interface IRowAttributes {
  role: 'listitem';
  'aria-posinset': number;
  'aria-setsize': number;
  style: { top: number; height: number };
}

/**
 * Place row `index` of `itemCount`, and tell assistive tech its position in the whole list:
 * the rows out of view are not in the DOM, so the DOM alone would say "item 3 of 40".
 */
export function rowAttributes(
  index: number,
  itemCount: number,
  rowHeight: number
): IRowAttributes {
  return {
    role: 'listitem',
    'aria-posinset': index + 1,
    'aria-setsize': itemCount,
    style: { top: index * rowHeight, height: rowHeight }
  };
}
