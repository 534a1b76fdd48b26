import React from 'react';

import { CommandIDs } from '../tokens';

/** Props of the panel's toolbar: it only says which command to run. */
export interface IActionsBarProps {
  enabled: boolean;
  busy: string | null;
  verifying: boolean;
  onCommand: (id: string, args?: { [key: string]: string }) => void;
}

interface IAction {
  label: string;
  caption: string;
  id: string;
  args?: { [key: string]: string };
}

const ACTIONS: IAction[] = [
  {
    label: 'Export script',
    caption: 'Write a runnable script of the notebook beside it and open it',
    id: CommandIDs.exportScript
  },
  {
    label: 'Export as pipeline',
    caption: 'Export the notebook as a dvc pipeline',
    id: CommandIDs.exportPipeline
  },
  {
    label: 'Verify',
    caption: 'Re-run the notebook in a fresh kernel and compare every variable',
    id: CommandIDs.verify
  },
  {
    label: 'Pair with script',
    caption: 'Pair the notebook with a jupytext py:percent script and open it',
    id: CommandIDs.pair
  },
  {
    label: 'Diff: last save',
    caption: 'Show what changed since the last save (nbdime)',
    id: CommandIDs.diff,
    args: { base: 'saved' }
  },
  {
    label: 'Diff: git HEAD',
    caption: 'Show what changed since the last git commit (nbdime)',
    id: CommandIDs.diff,
    args: { base: 'git:HEAD' }
  }
];

/** The panel's action buttons. */
export function ActionsBar(props: IActionsBarProps): JSX.Element {
  return (
    <div
      className="jp-Repro-ActionsBar"
      role="toolbar"
      aria-label="Lineage actions"
    >
      {ACTIONS.map(action => (
        <button
          key={action.label}
          className="jp-Repro-ActionsBar-button jp-mod-styled"
          title={action.caption}
          disabled={
            !props.enabled ||
            props.busy !== null ||
            (action.id === CommandIDs.verify && props.verifying)
          }
          onClick={() => props.onCommand(action.id, action.args)}
        >
          {action.label}
        </button>
      ))}
    </div>
  );
}
