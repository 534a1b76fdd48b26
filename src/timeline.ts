/**
 * The executions of one notebook, newest first, fetched page by page as the list scrolls.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { fetchLineage } from './api';
import { IExecution } from './tokens';

/** How many executions one `GET lineage` asks for. */
export const PAGE_SIZE = 100;

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
    return this._pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
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
    const last = Math.min(end, this._total) - 1;
    for (
      let page = Math.floor(start / PAGE_SIZE);
      page <= Math.floor(last / PAGE_SIZE);
      page++
    ) {
      if (!this._pages.has(page) && !this._loading.has(page)) {
        void this._load(page, this._generation, false);
      }
    }
  }

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
        page * PAGE_SIZE,
        PAGE_SIZE,
        this._cellFilter ?? undefined
      );
      if (generation !== this._generation) {
        return; // another notebook, filter or refresh since: this answer is old
      }
      if (replace) {
        if (reply.total !== this._total) {
          this._pages.clear();
        }
        this._total = reply.total;
        // Views ask for their rows again: pages dropped, or loads this refresh cut short.
        this._version++;
      }
      this._pages.set(page, reply.executions);
      this._error = null;
    } catch (error) {
      if (generation !== this._generation) {
        return;
      }
      this._error = (error as Error).message;
      if (replace) {
        this._pages.clear();
        this._total = null;
        this._version++;
      }
    } finally {
      if (generation === this._generation) {
        this._loading.delete(page);
      }
    }
    this._changed.emit();
  }

  private _path: string | null = null;
  private _cellFilter: string | null = null;
  private _total: number | null = null;
  private _error: string | null = null;
  private _version = 0;
  private _generation = 0;
  private _pages = new Map<number, IExecution[]>();
  private _loading = new Set<number>();
  private _changed = new Signal<TimelineModel, void>(this);
}
