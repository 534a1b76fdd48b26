/**
 * The review commands: pair the notebook with a py:percent script, diff it with a base.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs, DiffBase, NbdimeCommandIDs } from '../tokens';
import {
  currentPanel,
  ICommandsContext,
  openFile,
  revealPanel,
  whenNotebook
} from './context';

/** "Pair with Script (py:percent)": pair, then open the script. */
export function addPairCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.pair, {
    label: 'Pair with Script (py:percent)',
    caption: 'Pair the notebook with a jupytext py:percent script and open it',
    isEnabled: whenNotebook(context),
    execute: async () => {
      const panel = currentPanel(context);
      if (panel) {
        await pair(context, panel);
      }
    }
  });
}

/** Save, pair, reload the pairing the server wrote into the notebook, open the script. */
async function pair(
  context: ICommandsContext,
  panel: NotebookPanel
): Promise<void> {
  if (panel.context.model.dirty) {
    await panel.context.save();
  }
  const result = await context.model.pair(panel.context.path);
  if (result) {
    if (result.changed !== false) {
      // The server wrote the pairing into the notebook's metadata: load it.
      await panel.context.revert();
    }
    await openFile(context, 'Pair with script', result.paired);
  }
}

/** The base a diff command's args name: `git:HEAD`, or else the last save. */
function diffBase(args: ReadonlyPartialJSONObject): DiffBase {
  return args.base === 'git:HEAD' ? 'git:HEAD' : 'saved';
}

/** "Diff with Last Save" / "Diff with Git HEAD" (args: `base`). */
export function addDiffCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.diff, {
    label: args =>
      diffBase(args) === 'git:HEAD'
        ? 'Diff with Git HEAD'
        : 'Diff with Last Save',
    caption: 'Show what changed in the notebook (nbdime diff view)',
    isEnabled: whenNotebook(context),
    execute: async args => {
      const panel = currentPanel(context);
      const base = diffBase(args);
      if (panel && !(await openNbdimeDiff(context, base))) {
        revealPanel(context);
        await context.model.diff(panel.context.path, base);
      }
    }
  });
}

/** Show nbdime's diff view when nbdime is installed; false when the panel must show it. */
async function openNbdimeDiff(
  context: ICommandsContext,
  base: DiffBase
): Promise<boolean> {
  const { commands } = context.app;
  const nbdime =
    base === 'git:HEAD'
      ? NbdimeCommandIDs.diffGit
      : NbdimeCommandIDs.diffCheckpoint;
  if (!commands.hasCommand(nbdime) || !commands.isEnabled(nbdime)) {
    return false;
  }
  try {
    await commands.execute(nbdime);
    return true;
  } catch (error) {
    context.model.reportError('Diff', error);
    return false;
  }
}
