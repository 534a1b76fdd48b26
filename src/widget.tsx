/**
 * The Lineage sidebar widget: renders the model, re-renders on its signal.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { LineagePanel } from './components/LineagePanel';
import { LineageModel } from './model';
import { LINEAGE_PANEL_ID } from './tokens';

export class LineageSidebar extends ReactWidget {
  constructor(model: LineageModel) {
    super();
    this._model = model;
    this.id = LINEAGE_PANEL_ID;
    this.addClass('jp-Repro-LineagePanel');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <LineagePanel
            notebookPath={this._model.notebookPath}
            serverStatus={this._model.serverStatus}
            serverError={this._model.serverError}
          />
        )}
      </UseSignal>
    );
  }

  private _model: LineageModel;
}
