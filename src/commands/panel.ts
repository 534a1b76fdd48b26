/**
 * The commands of the Lineage panel itself: show it, refresh it, jump to an execution's cell.
 */
import { lineageIcon } from '../icons';
import { messageOf } from '../model';
import { showCell } from '../notebook/cells';
import { CommandIDs } from '../tokens';
import {
  currentPanel,
  ICommandsContext,
  revealPanel,
  whenNotebook
} from './context';

/** "Show Lineage Panel": activate the sidebar. */
export function addOpenLineageCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.openLineage, {
    label: 'Show Lineage Panel',
    caption: 'Show the lineage of the active notebook',
    icon: lineageIcon,
    execute: () => revealPanel(context)
  });
}

/** "Refresh Lineage": reload the executions and cell statuses. */
export function addRefreshCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh Lineage',
    caption: 'Reload the executions and cell statuses',
    isEnabled: whenNotebook(context),
    execute: () => context.model.refresh()
  });
}

/** "Show Cell of an Execution" (args: `cellId`), run by the timeline's rows. */
export function addShowCellCommand(context: ICommandsContext): void {
  context.app.commands.addCommand(CommandIDs.showCell, {
    label: 'Show Cell of an Execution',
    execute: async args => {
      const cellId = typeof args.cellId === 'string' ? args.cellId : null;
      if (cellId) {
        await scrollToCell(context, cellId);
      }
    }
  });
}

/** Scroll the active notebook to a cell, or tell why it cannot. */
async function scrollToCell(
  context: ICommandsContext,
  cellId: string
): Promise<void> {
  const panel = currentPanel(context);
  if (!panel) {
    return;
  }
  try {
    if (!(await showCell(panel, cellId))) {
      context.model.reportError(
        'Show cell',
        'That cell is no longer in the notebook (it was deleted since it ran).'
      );
    }
  } catch (error) {
    context.model.reportError('Show cell', messageOf(error));
  }
}
