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
import { LabIcon } from '@jupyterlab/ui-components';

import { LineageModel } from './model';
import { CommandIDs, PLUGIN_ID } from './tokens';
import { LineageSidebar } from './widget';

const lineageIcon = new LabIcon({
  name: 'jupyter-repro:lineage',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><circle cx="6" cy="5" r="2.5"/><circle cx="6" cy="19" r="2.5"/><circle cx="18" cy="12" r="2.5"/><path d="M5 7h2v10H5z"/><path d="M7.4 6.2l9.4 4.6-.9 1.8-9.4-4.6z"/><path d="M7.4 17.8l9.4-4.6-.9-1.8-9.4 4.6z"/></g></svg>'
});

/**
 * Adds the Lineage sidebar, which follows the active notebook.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Lineage of the active notebook: executions, state, data and environment.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ) => {
    const model = new LineageModel();
    const sidebar = new LineageSidebar(model);
    sidebar.title.icon = lineageIcon;
    sidebar.title.caption = 'Lineage';
    sidebar.node.setAttribute('aria-label', 'Lineage');
    sidebar.node.setAttribute('role', 'region');

    const follow = () => {
      model.notebookPath = tracker.currentWidget?.context.path ?? null;
    };
    tracker.currentChanged.connect(follow);
    tracker.widgetUpdated.connect(follow);
    follow();

    app.shell.add(sidebar, 'right', { rank: 900 });
    restorer?.add(sidebar, sidebar.id);

    app.commands.addCommand(CommandIDs.openLineage, {
      label: 'Show Lineage Panel',
      caption: 'Show the lineage of the active notebook',
      execute: () => app.shell.activateById(sidebar.id)
    });
    palette?.addItem({ command: CommandIDs.openLineage, category: 'Lineage' });

    void model.refreshServerStatus();
  }
};

export default plugin;
