/**
 * The Lineage sidebar widget: renders the model, re-renders on its signal.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { LineagePanel } from './components/LineagePanel';
import { LineageModel } from './model';
import { CommandIDs, LINEAGE_PANEL_ID } from './tokens';

export class LineageSidebar extends ReactWidget {
  constructor(model: LineageModel, commands: CommandRegistry) {
    super();
    this._model = model;
    this._commands = commands;
    this.id = LINEAGE_PANEL_ID;
    this.addClass('jp-Repro-LineagePanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const run = (id: string, args?: { [key: string]: string }) => {
      this._commands.execute(id, args).catch(error => {
        model.reportError(this._commands.label(id, args) || id, error);
      });
    };
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <LineagePanel
            notebookPath={model.notebookPath}
            serverStatus={model.serverStatus}
            serverError={model.serverError}
            busy={model.busy}
            error={model.error}
            result={model.result}
            verifyJob={model.verifier.job}
            verifyPath={model.verifier.path}
            environment={model.environment}
            cells={model.cells}
            total={model.timeline.total}
            timelineError={model.timeline.error}
            timelineVersion={model.timeline.version}
            cellFilter={model.timeline.cellFilter}
            getExecution={index => model.timeline.get(index)}
            getPrevious={index => model.timeline.previousRun(index)}
            onCommand={run}
            onRangeChange={(start, end) =>
              model.timeline.ensureRange(start, end)
            }
            onFilterCell={cellId => model.setCellFilter(cellId)}
            onShowCell={cellId => run(CommandIDs.showCell, { cellId })}
            onOpen={path => run('docmanager:open', { path })}
            onDismissError={() => model.dismissError()}
            onRefresh={() => run(CommandIDs.refresh)}
          />
        )}
      </UseSignal>
    );
  }

  private _model: LineageModel;
  private _commands: CommandRegistry;
}
