/**
 * The Lineage commands: the panel's buttons, the notebook toolbar and the palette run these.
 *
 * Each command is registered by one function of the module of its group; `addCommands`
 * registers them all.
 */
import { ICommandPalette } from '@jupyterlab/apputils';
import { ReadonlyJSONObject } from '@lumino/coreutils';

import { COMMAND_CATEGORY, CommandIDs } from '../tokens';
import { ICommandsContext } from './context';
import { addExportPipelineCommand, addExportScriptCommand } from './exporting';
import {
  addOpenLineageCommand,
  addRefreshCommand,
  addShowCellCommand
} from './panel';
import { addDiffCommand, addPairCommand } from './review';
import { addVerifyCommand } from './verify';

export type { ICommandsContext } from './context';

/** The palette's entries, in order: a command and the args it runs with. */
const PALETTE_ITEMS: [string, ReadonlyJSONObject?][] = [
  [CommandIDs.openLineage],
  [CommandIDs.refresh],
  [CommandIDs.exportScript],
  [CommandIDs.exportPipeline],
  [CommandIDs.verify],
  [CommandIDs.pair],
  [CommandIDs.diff, { base: 'saved' }],
  [CommandIDs.diff, { base: 'git:HEAD' }]
];

/** Register every Lineage command, and list them in the palette when there is one. */
export function addCommands(
  context: ICommandsContext,
  palette: ICommandPalette | null
): void {
  addOpenLineageCommand(context);
  addRefreshCommand(context);
  addExportScriptCommand(context);
  addExportPipelineCommand(context);
  addVerifyCommand(context);
  addPairCommand(context);
  addDiffCommand(context);
  addShowCellCommand(context);
  for (const [command, args] of PALETTE_ITEMS) {
    palette?.addItem({ command, args, category: COMMAND_CATEGORY });
  }
}
