/**
 * The Lineage commands: the panel's buttons, the notebook toolbar and the palette run these.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ReadonlyJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import { lineageIcon } from './icons';
import { LineageModel, messageOf } from './model';
import { showCell } from './notebook/cells';
import {
  COMMAND_CATEGORY,
  CommandIDs,
  DiffBase,
  NbdimeCommandIDs
} from './tokens';

/** What the commands act on. */
export interface ICommandsContext {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  model: LineageModel;
  sidebar: Widget;
}

/** Register every Lineage command, and list them in the palette when there is one. */
export function addCommands(
  context: ICommandsContext,
  palette: ICommandPalette | null
): void {
  const { app, tracker, model, sidebar } = context;
  const { commands } = app;
  const current = (): NotebookPanel | null => tracker.currentWidget;
  const hasNotebook = () => current() !== null;
  const reveal = () => app.shell.activateById(sidebar.id);
  const open = async (action: string, path: string) => {
    try {
      await commands.execute('docmanager:open', { path });
    } catch (error) {
      model.reportError(action, error);
    }
  };

  commands.addCommand(CommandIDs.openLineage, {
    label: 'Show Lineage Panel',
    caption: 'Show the lineage of the active notebook',
    icon: lineageIcon,
    execute: reveal
  });

  commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh Lineage',
    caption: 'Reload the executions and cell statuses',
    isEnabled: hasNotebook,
    execute: () => model.refresh()
  });

  commands.addCommand(CommandIDs.exportScript, {
    label: 'Export Script',
    caption: 'Write a runnable script of the notebook beside it and open it',
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = current();
      const result = panel && (await model.exportScript(panel.context.path));
      if (result) {
        await open('Export script', result.script);
      }
    }
  });

  commands.addCommand(CommandIDs.exportPipeline, {
    label: 'Export as Pipeline',
    caption: 'Export the notebook as a dvc pipeline',
    icon: lineageIcon,
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = current();
      if (!panel) {
        return;
      }
      reveal();
      const path = panel.context.path;
      const done = await model.exportPipeline(path);
      if (!done && model.error?.status === 409) {
        const answer = await showDialog({
          title: 'Replace the pipeline?',
          body: model.error.message,
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: 'Replace' })
          ]
        });
        if (answer.button.accept) {
          await model.exportPipeline(path, true);
        }
      }
    }
  });

  commands.addCommand(CommandIDs.verify, {
    label: 'Verify Reproducibility',
    caption: 'Re-run the notebook in a fresh kernel and compare every variable',
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = current();
      if (panel) {
        reveal();
        await model.verify(panel.context.path);
      }
    }
  });

  commands.addCommand(CommandIDs.pair, {
    label: 'Pair with Script (py:percent)',
    caption: 'Pair the notebook with a jupytext py:percent script and open it',
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = current();
      if (!panel) {
        return;
      }
      if (panel.context.model.dirty) {
        await panel.context.save();
      }
      const result = await model.pair(panel.context.path);
      if (result) {
        if (result.changed !== false) {
          // The server wrote the pairing into the notebook's metadata: load it.
          await panel.context.revert();
        }
        await open('Pair with script', result.paired);
      }
    }
  });

  commands.addCommand(CommandIDs.diff, {
    label: args =>
      args.base === 'git:HEAD' ? 'Diff with Git HEAD' : 'Diff with Last Save',
    caption: 'Show what changed in the notebook (nbdime diff view)',
    isEnabled: hasNotebook,
    execute: async args => {
      const panel = current();
      if (!panel) {
        return;
      }
      const base: DiffBase = args.base === 'git:HEAD' ? 'git:HEAD' : 'saved';
      const nbdime =
        base === 'git:HEAD'
          ? NbdimeCommandIDs.diffGit
          : NbdimeCommandIDs.diffCheckpoint;
      if (commands.hasCommand(nbdime) && commands.isEnabled(nbdime)) {
        try {
          await commands.execute(nbdime);
          return;
        } catch (error) {
          model.reportError('Diff', error);
        }
      }
      reveal();
      await model.diff(panel.context.path, base);
    }
  });

  commands.addCommand(CommandIDs.showCell, {
    label: 'Show Cell of an Execution',
    execute: async args => {
      const panel = current();
      const cellId = typeof args.cellId === 'string' ? args.cellId : null;
      if (!panel || !cellId) {
        return;
      }
      try {
        if (!(await showCell(panel, cellId))) {
          model.reportError(
            'Show cell',
            'That cell is no longer in the notebook (it was deleted since it ran).'
          );
        }
      } catch (error) {
        model.reportError('Show cell', messageOf(error));
      }
    }
  });

  const items: [string, ReadonlyJSONObject?][] = [
    [CommandIDs.openLineage],
    [CommandIDs.refresh],
    [CommandIDs.exportScript],
    [CommandIDs.exportPipeline],
    [CommandIDs.verify],
    [CommandIDs.pair],
    [CommandIDs.diff, { base: 'saved' }],
    [CommandIDs.diff, { base: 'git:HEAD' }]
  ];
  for (const [command, args] of items) {
    palette?.addItem({ command, args, category: COMMAND_CATEGORY });
  }
}
