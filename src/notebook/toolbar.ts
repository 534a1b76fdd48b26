/**
 * "Export as pipeline" in every notebook's toolbar.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { CommandToolbarButton } from '@jupyterlab/ui-components';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { CommandRegistry } from '@lumino/commands';

import { CommandIDs } from '../tokens';

/** The toolbar item's name. */
export const PIPELINE_TOOLBAR_ITEM = 'jupyter-repro-export-pipeline';

export class PipelineButtonExtension implements DocumentRegistry.IWidgetExtension<
  NotebookPanel,
  INotebookModel
> {
  constructor(commands: CommandRegistry) {
    this._commands = commands;
  }

  createNew(panel: NotebookPanel): IDisposable {
    const button = new CommandToolbarButton({
      commands: this._commands,
      id: CommandIDs.exportPipeline,
      label: 'Export as pipeline'
    });
    button.addClass('jp-Repro-PipelineButton');
    if (!panel.toolbar.insertAfter('cellType', PIPELINE_TOOLBAR_ITEM, button)) {
      panel.toolbar.addItem(PIPELINE_TOOLBAR_ITEM, button);
    }
    return new DisposableDelegate(() => button.dispose());
  }

  private _commands: CommandRegistry;
}
