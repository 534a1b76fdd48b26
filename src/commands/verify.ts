/**
 * "Verify Reproducibility": re-run the notebook in a fresh kernel; the panel shows the report.
 */
import { CommandIDs } from '../tokens';
import {
  currentPanel,
  ICommandsContext,
  revealPanel,
  whenNotebook
} from './context';

/** Register the verify command. */
export function addVerifyCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.verify, {
    label: 'Verify Reproducibility',
    caption: 'Re-run the notebook in a fresh kernel and compare every variable',
    isEnabled: whenNotebook(context),
    execute: async () => {
      const panel = currentPanel(context);
      if (panel) {
        revealPanel(context);
        await context.model.verify(panel.context.path);
      }
    }
  });
}
