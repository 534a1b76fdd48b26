/**
 * What every Lineage command acts on, and the small steps several of them share.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { LineageModel } from '../model';

/** What the commands act on. */
export interface ICommandsContext {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  model: LineageModel;
  sidebar: Widget;
}

/** The active notebook, or null. */
export function currentPanel(context: ICommandsContext): NotebookPanel | null {
  return context.tracker.currentWidget;
}

/** An `isEnabled` for the commands that need an active notebook. */
export function whenNotebook(context: ICommandsContext): () => boolean {
  return () => currentPanel(context) !== null;
}

/** Bring the Lineage panel into view (where results and progress show). */
export function revealPanel(context: ICommandsContext): void {
  context.app.shell.activateById(context.sidebar.id);
}

/** Open a file the server wrote; a failure is shown in the panel under `action`. */
export async function openFile(
  context: ICommandsContext,
  action: string,
  path: string
): Promise<void> {
  try {
    await context.app.commands.execute('docmanager:open', { path });
  } catch (error) {
    context.model.reportError(action, error);
  }
}
