/**
 * Keeps the model on the active notebook and refreshes it after every execution.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import {
  INotebookTracker,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';

import { LineageModel } from '../model';
import { applyBadges } from './badges';

/**
 * Follow `tracker`'s active notebook: its path, executions, kernel restarts and badges.
 */
export function watchNotebooks(
  tracker: INotebookTracker,
  model: LineageModel
): void {
  let session: ISessionContext | null = null;

  const onStatus = (_: ISessionContext, status: Kernel.Status) => {
    // A restart starts a new session: every cell becomes never-run.
    if (status === 'restarting' || status === 'starting') {
      model.scheduleRefresh();
    }
  };

  const follow = () => {
    const panel = tracker.currentWidget;
    model.notebookPath = panel?.context.path ?? null;
    if (session !== (panel?.sessionContext ?? null)) {
      session?.statusChanged.disconnect(onStatus);
      session = panel?.sessionContext ?? null;
      session?.statusChanged.connect(onStatus);
    }
  };
  model.cellSource = () => {
    const panel = tracker.currentWidget;
    if (!panel || panel.context.path !== model.notebookPath) {
      return null;
    }
    return panel.content.widgets.map(cell => ({
      id: cell.model.id,
      cell_type: cell.model.type,
      source: cell.model.sharedModel.getSource()
    }));
  };
  tracker.currentChanged.connect(follow);
  tracker.widgetUpdated.connect(follow);
  follow();

  NotebookActions.executed.connect((_, { notebook }) => {
    if (notebook === tracker.currentWidget?.content) {
      model.scheduleRefresh();
    }
  });

  model.cellsChanged.connect(() => {
    const panel = tracker.find(
      (widget: NotebookPanel) => widget.context.path === model.cellsPath
    );
    if (panel) {
      applyBadges(panel, model.cells);
    }
  });
}
