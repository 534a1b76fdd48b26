/**
 * Paging of a long list fetched a page at a time: which page holds a row, and which pages a
 * range of rows still needs.
 *
 * Pure functions of numbers: the timeline model asks them what to fetch.
 */

/** How many executions one `GET lineage` asks for. */
export const PAGE_SIZE = 100;

/** Where a row lives: its page, and its slot in that page. */
export interface IRowLocation {
  page: number;
  slot: number;
}

/** The page and slot of row `index`. */
export function locateRow(index: number, pageSize = PAGE_SIZE): IRowLocation {
  return { page: Math.floor(index / pageSize), slot: index % pageSize };
}

/** The first row of a page: the `offset` its request asks for. */
export function pageOffset(page: number, pageSize = PAGE_SIZE): number {
  return page * pageSize;
}

/** The pages holding rows `start` to `end` (exclusive) of a list of `total` rows. */
export function pagesOfRange(
  start: number,
  end: number,
  total: number,
  pageSize = PAGE_SIZE
): number[] {
  const first = Math.max(0, start);
  const last = Math.min(end, total) - 1;
  const pages: number[] = [];
  if (last < first) {
    return pages;
  }
  for (
    let page = Math.floor(first / pageSize);
    page * pageSize <= last;
    page++
  ) {
    pages.push(page);
  }
  return pages;
}

/**
 * The pages to request for rows `start` to `end` (exclusive): those of the range that are
 * neither loaded nor loading (`requested` says which are).
 */
export function pagesToRequest(
  start: number,
  end: number,
  total: number,
  requested: (page: number) => boolean,
  pageSize = PAGE_SIZE
): number[] {
  return pagesOfRange(start, end, total, pageSize).filter(
    page => !requested(page)
  );
}
