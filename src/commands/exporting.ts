/**
 * The export commands: a runnable script beside the notebook, or a dvc pipeline.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { lineageIcon } from '../icons';
import { CommandIDs } from '../tokens';
import {
  currentPanel,
  ICommandsContext,
  openFile,
  revealPanel,
  whenNotebook
} from './context';

/** The HTTP status of an export that would overwrite an earlier one. */
const CONFLICT = 409;

/** "Export Script": write the script and open it. */
export function addExportScriptCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.exportScript, {
    label: 'Export Script',
    caption: 'Write a runnable script of the notebook beside it and open it',
    isEnabled: whenNotebook(context),
    execute: async () => {
      const panel = currentPanel(context);
      const result =
        panel && (await context.model.exportScript(panel.context.path));
      if (result) {
        await openFile(context, 'Export script', result.script);
      }
    }
  });
}

/** "Export as Pipeline" (also the notebook toolbar's button). */
export function addExportPipelineCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.exportPipeline, {
    label: 'Export as Pipeline',
    caption: 'Export the notebook as a dvc pipeline',
    icon: lineageIcon,
    isEnabled: whenNotebook(context),
    execute: async () => {
      const panel = currentPanel(context);
      if (panel) {
        revealPanel(context);
        await exportPipeline(context, panel.context.path);
      }
    }
  });
}

/** Export the pipeline; when one is there already, replace it only if the person agrees. */
async function exportPipeline(
  context: ICommandsContext,
  path: string
): Promise<void> {
  const { model } = context;
  const done = await model.exportPipeline(path);
  if (!done && model.error?.status === CONFLICT) {
    if (await confirmReplace(model.error.message)) {
      await model.exportPipeline(path, true);
    }
  }
}

/** Ask whether to replace the pipeline the server found. */
async function confirmReplace(message: string): Promise<boolean> {
  const answer = await showDialog({
    title: 'Replace the pipeline?',
    body: message,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Replace' })]
  });
  return answer.button.accept;
}
