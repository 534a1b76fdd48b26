/**
 * State of the Lineage panel, with signals the widgets listen to.
 *
 * Every server call goes through here; its failure is kept in `error` for the panel to show.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import {
  exportPipeline,
  exportScript,
  fetchCells,
  fetchDiff,
  fetchEnvironment,
  fetchStatus,
  pairNotebook,
  putSettings
} from './api';
import { TimelineModel } from './timeline';
import {
  ActionResult,
  DiffBase,
  ICellSource,
  ICellStatus,
  IEnvironment,
  IExportPipelineResult,
  IExportScriptResult,
  IPairResult,
  IPanelError,
  IReproSettings,
  IServerStatus
} from './tokens';
import { Verifier } from './verifier';

/** The names under which loading errors are shown. */
const CELLS_ACTION = 'Cell status';
const ENVIRONMENT_ACTION = 'Environment';

/** How long after the last execution the panel refetches. */
export const REFRESH_DEBOUNCE_MS = 300;

export class LineageModel {
  constructor() {
    this.timeline.changed.connect(this._emit, this);
    this.verifier.changed.connect(this._emit, this);
  }

  /** The executions of the active notebook, paged. */
  readonly timeline = new TimelineModel();

  /** The verify run of the panel. */
  readonly verifier = new Verifier();

  /** Emitted whenever any part of the state changes. */
  get changed(): ISignal<LineageModel, void> {
    return this._changed;
  }

  /** Emitted when the cell statuses changed (the notebook's badges follow them). */
  get cellsChanged(): ISignal<LineageModel, void> {
    return this._cellsChanged;
  }

  /** Path of the active notebook, relative to the server root, or null. */
  get notebookPath(): string | null {
    return this._notebookPath;
  }

  set notebookPath(path: string | null) {
    if (path === this._notebookPath) {
      return;
    }
    this._notebookPath = path;
    this._cells = [];
    this._cellsPath = null;
    this._environment = null;
    this._environmentSession = undefined;
    this._result = null;
    this._error = null;
    this._cellsChanged.emit();
    this._changed.emit();
    void this.timeline.reset(path, null);
    void this._loadCells();
  }

  /** What the server extension reported, or null until it answered. */
  get serverStatus(): IServerStatus | null {
    return this._serverStatus;
  }

  /** Why the server extension could not be reached, or null. */
  get serverError(): string | null {
    return this._serverError;
  }

  /** Every cell's status, in notebook order, for the notebook at `cellsPath`. */
  get cells(): readonly ICellStatus[] {
    return this._cells;
  }

  /** The notebook `cells` belong to. */
  get cellsPath(): string | null {
    return this._cellsPath;
  }

  /**
   * Gives the active notebook's cells as the editor has them, so cell statuses account for
   * unsaved edits; without it they are of the saved file.
   */
  cellSource: (() => ICellSource[] | null) | null = null;

  /** The environment of the latest session, or null (none recorded, or not loaded). */
  get environment(): IEnvironment | null {
    return this._environment;
  }

  /** The action running now ("Exporting script…"), or null. */
  get busy(): string | null {
    return this._busy;
  }

  /** What the last action produced, or null. */
  get result(): ActionResult | null {
    return this._result;
  }

  /** The last error the server answered, or null. */
  get error(): IPanelError | null {
    return this._error;
  }

  /** Forget the error shown. */
  dismissError(): void {
    this._error = null;
    this._changed.emit();
  }

  /** Show an error met outside the model (e.g. a command that failed). */
  reportError(action: string, error: unknown): void {
    this._error = panelError(action, error);
    this._changed.emit();
  }

  /** Ask the server extension for its status; failures are kept for display. */
  async refreshServerStatus(): Promise<void> {
    try {
      this._serverStatus = await fetchStatus();
      this._serverError = null;
    } catch (error) {
      this._serverStatus = null;
      this._serverError = messageOf(error);
    }
    this._changed.emit();
  }

  /** Filter the timeline to one cell (null: every cell). */
  setCellFilter(cellId: string | null): void {
    if (cellId !== this.timeline.cellFilter) {
      void this.timeline.reset(this._notebookPath, cellId);
      this._changed.emit();
    }
  }

  /** Refetch the cell statuses and the newest executions. */
  async refresh(): Promise<void> {
    await Promise.all([this._loadCells(), this.timeline.refresh()]);
  }

  /** Refresh once things settle: executions often come in bursts. */
  scheduleRefresh(): void {
    window.clearTimeout(this._refreshTimer);
    this._refreshTimer = window.setTimeout(
      () => void this.refresh(),
      REFRESH_DEBOUNCE_MS
    );
  }

  /** Write the script beside the notebook. */
  exportScript(path: string): Promise<IExportScriptResult | null> {
    return this._act('Export script', 'Exporting the script…', async () => {
      const value = await exportScript(path);
      this._result = { kind: 'script', value };
      return value;
    });
  }

  /** Write a dvc pipeline for the notebook (`force`: replace an earlier one). */
  exportPipeline(
    path: string,
    force = false
  ): Promise<IExportPipelineResult | null> {
    return this._act(
      'Export as pipeline',
      'Exporting the pipeline…',
      async () => {
        const value = await exportPipeline(path, 'dvc', force);
        this._result = { kind: 'pipeline', value };
        return value;
      }
    );
  }

  /** Pair the notebook with a py:percent script. */
  pair(path: string): Promise<IPairResult | null> {
    return this._act('Pair with script', 'Pairing…', async () => {
      const value = await pairNotebook(path, 'py:percent');
      this._result = { kind: 'pair', value };
      return value;
    });
  }

  /** Diff the notebook with the server's route (when nbdime's view is not there). */
  diff(path: string, base: DiffBase): Promise<void | null> {
    return this._act('Diff', 'Computing the diff…', async () => {
      const value = await fetchDiff(path, base);
      this._result = { kind: 'diff', base, value };
    });
  }

  /** Verify the notebook by re-running it; progress and report are in `verifier`. */
  verify(path: string): Promise<void | null> {
    return this._act('Verify', null, async () => {
      // A failed job shows its error in the verify view.
      this._result = null;
      await this.verifier.start(path);
    });
  }

  /** Store the recorder's settings for the active notebook's project. */
  pushSettings(settings: Partial<IReproSettings>): Promise<void | null> {
    const path = this._notebookPath;
    if (!path) {
      return Promise.resolve(null);
    }
    return this._act('Settings', null, async () => {
      await putSettings(path, settings);
    });
  }

  private async _act<T>(
    action: string,
    busy: string | null,
    run: () => Promise<T>
  ): Promise<T | null> {
    this._busy = busy;
    this._error = null;
    this._changed.emit();
    try {
      return await run();
    } catch (error) {
      this._error = panelError(action, error);
      return null;
    } finally {
      this._busy = null;
      this._changed.emit();
    }
  }

  private async _loadCells(): Promise<void> {
    const path = this._notebookPath;
    if (!path) {
      return;
    }
    try {
      const reply = await fetchCells(path, this.cellSource?.() ?? undefined);
      if (path !== this._notebookPath) {
        return;
      }
      this._cells = reply.cells;
      this._cellsPath = path;
      this._clearError(CELLS_ACTION);
      this._cellsChanged.emit();
      if (reply.session !== this._environmentSession) {
        await this._loadEnvironment(path, reply.session);
      }
    } catch (error) {
      if (path === this._notebookPath) {
        this._error = panelError(CELLS_ACTION, error);
      }
    }
    this._changed.emit();
  }

  private async _loadEnvironment(
    path: string,
    session: string | null
  ): Promise<void> {
    try {
      const environment = await fetchEnvironment(path, session ?? undefined);
      if (path === this._notebookPath) {
        this._environment = environment;
        this._environmentSession = session;
        this._clearError(ENVIRONMENT_ACTION);
      }
    } catch (error) {
      if (path === this._notebookPath) {
        this._error = panelError(ENVIRONMENT_ACTION, error);
      }
    }
  }

  /** Forget the error of `action` once it succeeded. */
  private _clearError(action: string): void {
    if (this._error?.action === action) {
      this._error = null;
    }
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _notebookPath: string | null = null;
  private _serverStatus: IServerStatus | null = null;
  private _serverError: string | null = null;
  private _cells: ICellStatus[] = [];
  private _cellsPath: string | null = null;
  private _environment: IEnvironment | null = null;
  private _environmentSession: string | null | undefined = undefined;
  private _busy: string | null = null;
  private _result: ActionResult | null = null;
  private _error: IPanelError | null = null;
  private _refreshTimer = 0;
  private _changed = new Signal<LineageModel, void>(this);
  private _cellsChanged = new Signal<LineageModel, void>(this);
}

/** The message of an error, as the server wrote it when it did. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error as the panel shows it, with the HTTP status when the server answered. */
export function panelError(action: string, error: unknown): IPanelError {
  const status =
    error instanceof ServerConnection.ResponseError
      ? error.response.status
      : undefined;
  return { action, message: messageOf(error), status };
}
