/**
 * The executions of one notebook, newest first, fetched page by page as the list scrolls.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { fetchLineage } from './api';
import { previousRun } from './outputs';
import { locateRow, PAGE_SIZE, pageOffset, pagesToRequest } from './paging';
import { IExecution, ILineagePage } from './tokens';

export class TimelineModel {
  /** Emitted when rows arrive, the total changes or an error occurs. */
  get changed(): ISignal<TimelineModel, void> {
    return this._changed;
  }

  /** How many executions match (null until the first page arrived). */
  get total(): number | null {
    return this._total;
  }

  /** The cell the timeline is filtered to, or null for every cell. */
  get cellFilter(): string | null {
    return this._cellFilter;
  }

  /** Why the last page could not be loaded, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Bumped on every refresh, so views ask for the rows they show again. */
  get version(): number {
    return this._version;
  }

  /** The execution at a row, or undefined while its page is loading. */
  get(index: number): IExecution | undefined {
    const { page, slot } = locateRow(index);
    return this._pages.get(page)?.[slot];
  }

  /**
   * The previous run of row `index`'s cell among the loaded rows, or undefined when it is not
   * known. Remembered until rows arrive or are dropped: a row asks once per render at most.
   */
  previousRun(index: number): IExecution | undefined {
    let found = this._previous.get(index);
    if (found === undefined) {
      found = previousRun(i => this.get(i), index, this._total ?? 0) ?? null;
      this._previous.set(index, found);
    }
    return found ?? undefined;
  }

  /** Follow another notebook or cell filter: drop everything and load the first page. */
  reset(path: string | null, cellFilter: string | null): Promise<void> {
    this._path = path;
    this._cellFilter = cellFilter;
    this._total = null;
    return this.refresh();
  }

  /**
   * Reload the first page (the newest executions). Other pages are dropped when the total
   * changed (their offsets moved) and loaded again when they are scrolled into view.
   */
  async refresh(): Promise<void> {
    const generation = ++this._generation;
    this._loading.clear();
    if (!this._path) {
      this._pages.clear();
      this._previous.clear();
      this._total = null;
      this._error = null;
      this._version++;
      this._changed.emit();
      return;
    }
    await this._load(0, generation, true);
  }

  /** Make sure the rows `start` to `end` (exclusive) are loaded or loading. */
  ensureRange(start: number, end: number): void {
    if (!this._path || this._total === null) {
      return;
    }
    const requested = (page: number) =>
      this._pages.has(page) || this._loading.has(page);
    for (const page of pagesToRequest(start, end, this._total, requested)) {
      void this._load(page, this._generation, false);
    }
  }

  /** Fetch a page; `replace`: it is the first page of a refresh, which sets the total. */
  private async _load(
    page: number,
    generation: number,
    replace: boolean
  ): Promise<void> {
    const path = this._path as string;
    this._loading.add(page);
    try {
      const reply = await fetchLineage(
        path,
        pageOffset(page),
        PAGE_SIZE,
        this._cellFilter ?? undefined
      );
      if (generation !== this._generation) {
        return; // another notebook, filter or refresh since: this answer is old
      }
      this._store(page, reply, replace);
    } catch (error) {
      if (generation !== this._generation) {
        return;
      }
      this._fail(error as Error, replace);
    } finally {
      if (generation === this._generation) {
        this._loading.delete(page);
      }
    }
    this._changed.emit();
  }

  /** Keep a page that arrived; a refresh's first page drops the others if rows moved. */
  private _store(page: number, reply: ILineagePage, replace: boolean): void {
    if (replace) {
      if (reply.total !== this._total) {
        this._pages.clear();
      }
      this._total = reply.total;
      // Views ask for their rows again: pages dropped, or loads this refresh cut short.
      this._version++;
    }
    this._pages.set(page, reply.executions);
    this._previous.clear();
    this._error = null;
  }

  /** Keep why a page failed; when it was a refresh's first page, forget every row. */
  private _fail(error: Error, replace: boolean): void {
    this._error = error.message;
    if (replace) {
      this._pages.clear();
      this._previous.clear();
      this._total = null;
      this._version++;
    }
  }

  private _path: string | null = null;
  private _cellFilter: string | null = null;
  private _total: number | null = null;
  private _error: string | null = null;
  private _version = 0;
  private _generation = 0;
  private _pages = new Map<number, IExecution[]>();
  private _loading = new Set<number>();
  /** Row index -> its cell's previous run (null: not known), for the loaded rows. */
  private _previous = new Map<number, IExecution | null>();
  private _changed = new Signal<TimelineModel, void>(this);
}
