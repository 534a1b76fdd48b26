/**
 * jupyter-repro frontend plugins.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { addCommands } from './commands';
import { lineageIcon } from './icons';
import { LineageModel } from './model';
import { PipelineButtonExtension } from './notebook/toolbar';
import { watchNotebooks } from './notebook/watcher';
import { followPanelSide, syncRecorderSettings } from './settings';
import { PLUGIN_ID, TOOLBAR_PLUGIN_ID } from './tokens';
import { LineageSidebar } from './widget';

/** The sidebar's rank among the other sidebar panels. */
const SIDEBAR_RANK = 900;

/**
 * The Lineage sidebar for the active notebook, its commands and its settings.
 *
 * Needs no ILabShell: Notebook 7's notebook view takes the same sidebar widget.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Lineage of the active notebook: executions, state, data and environment.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const model = new LineageModel();
    const sidebar = new LineageSidebar(model, app.commands);
    sidebar.title.icon = lineageIcon;
    sidebar.title.caption = 'Lineage';
    sidebar.node.setAttribute('aria-label', 'Lineage');
    sidebar.node.setAttribute('role', 'region');

    app.shell.add(sidebar, 'right', { rank: SIDEBAR_RANK });
    restorer?.add(sidebar, sidebar.id);

    addCommands({ app, tracker, model, sidebar }, palette);
    watchNotebooks(tracker, model);
    void model.refreshServerStatus();

    if (settingRegistry) {
      void applySettings(app, settingRegistry, model, sidebar);
    }
  }
};

/** Follow the settings: the panel's side, and the recorder settings sent to the server. */
async function applySettings(
  app: JupyterFrontEnd,
  settingRegistry: ISettingRegistry,
  model: LineageModel,
  sidebar: LineageSidebar
): Promise<void> {
  try {
    const settings = await settingRegistry.load(PLUGIN_ID);
    followPanelSide(settings, side =>
      app.shell.add(sidebar, side, { rank: SIDEBAR_RANK })
    );
    syncRecorderSettings(settings, model);
  } catch (error) {
    model.reportError('Loading the settings', error);
  }
}

/**
 * "Export as pipeline" in the toolbar of every notebook.
 */
const toolbarPlugin: JupyterFrontEndPlugin<void> = {
  id: TOOLBAR_PLUGIN_ID,
  description: 'Adds "Export as pipeline" to the notebook toolbar.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    app.docRegistry.addWidgetExtension(
      'Notebook',
      new PipelineButtonExtension(app.commands)
    );
  }
};

export default [plugin, toolbarPlugin];
