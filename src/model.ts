/**
 * State of the Lineage panel, with signals the widgets listen to.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { fetchStatus } from './api';
import { IServerStatus } from './tokens';

export class LineageModel {
  /** Emitted whenever any part of the state changes. */
  get changed(): ISignal<LineageModel, void> {
    return this._changed;
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
    this._changed.emit();
  }

  /** What the server extension reported, or null until it answered. */
  get serverStatus(): IServerStatus | null {
    return this._serverStatus;
  }

  /** Why the server extension could not be reached, or null. */
  get serverError(): string | null {
    return this._serverError;
  }

  /** Ask the server extension for its status; failures are kept for display. */
  async refreshServerStatus(): Promise<void> {
    try {
      this._serverStatus = await fetchStatus();
      this._serverError = null;
    } catch (error) {
      this._serverStatus = null;
      this._serverError = (error as Error).message;
    }
    this._changed.emit();
  }

  private _notebookPath: string | null = null;
  private _serverStatus: IServerStatus | null = null;
  private _serverError: string | null = null;
  private _changed = new Signal<LineageModel, void>(this);
}
