import { closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

import {
  ActionResult,
  ICellStatus,
  IEnvironment,
  IExecution,
  IPanelError,
  IServerStatus,
  IVerifyJob
} from '../tokens';
import { outputCellLabel } from '../outputs';
import { ActionsBar } from './ActionsBar';
import { EnvironmentView } from './EnvironmentView';
import { ResultView } from './ResultView';
import { cellLabel, Timeline } from './Timeline';
import { VerifyView } from './VerifyView';

/** Props of the Lineage panel: everything it shows, nothing it fetches. */
export interface ILineagePanelProps {
  notebookPath: string | null;
  serverStatus: IServerStatus | null;
  serverError: string | null;
  busy: string | null;
  error: IPanelError | null;
  result: ActionResult | null;
  verifyJob: IVerifyJob | null;
  verifyPath: string | null;
  environment: IEnvironment | null;
  cells: readonly ICellStatus[];
  total: number | null;
  timelineError: string | null;
  timelineVersion: number;
  cellFilter: string | null;
  getExecution: (index: number) => IExecution | undefined;
  getPrevious: (index: number) => IExecution | undefined;
  onCommand: (id: string, args?: { [key: string]: string }) => void;
  onRangeChange: (start: number, end: number) => void;
  onFilterCell: (cellId: string | null) => void;
  onShowCell: (cellId: string) => void;
  onOpen: (path: string) => void;
  onDismissError: () => void;
  onRefresh: () => void;
}

/** The Lineage panel's content for the active notebook. */
export function LineagePanel(props: ILineagePanelProps): JSX.Element {
  const { notebookPath, serverStatus, serverError, error } = props;
  return (
    <div className="jp-Repro-LineagePanel-content">
      <div className="jp-Repro-LineagePanel-top">
        <h2 className="jp-Repro-LineagePanel-title">Lineage</h2>
        {notebookPath ? (
          <p>
            Notebook:{' '}
            <span
              className="jp-Repro-LineagePanel-notebook"
              data-testid="repro-notebook-path"
            >
              {notebookPath}
            </span>
          </p>
        ) : (
          <p className="jp-Repro-LineagePanel-empty">
            Open a notebook to see its lineage.
          </p>
        )}
        <p className="jp-Repro-LineagePanel-server">
          {serverStatus
            ? `Server extension ${serverStatus.version} connected.`
            : serverError
              ? `Server extension unavailable: ${serverError}`
              : 'Connecting to the server extension…'}
        </p>
        <ActionsBar
          enabled={notebookPath !== null}
          busy={props.busy}
          verifying={props.verifyJob?.state === 'running'}
          onCommand={props.onCommand}
        />
        {props.busy ? (
          <p className="jp-Repro-LineagePanel-busy" aria-live="polite">
            {props.busy}
          </p>
        ) : null}
        {error ? (
          <div
            className="jp-Repro-Error"
            role="alert"
            data-testid="repro-error"
          >
            <span>
              {error.action} failed: {error.message}
            </span>
            <button
              className="jp-Repro-Error-dismiss"
              aria-label="Dismiss the error"
              title="Dismiss"
              onClick={props.onDismissError}
            >
              <closeIcon.react tag="span" aria-hidden="true" />
            </button>
          </div>
        ) : null}
        {props.verifyJob ? (
          <VerifyView
            path={props.verifyPath}
            job={props.verifyJob}
            cellLabel={cellId => cellLabel(props.cells, cellId)}
            outputCellLabel={cellId => outputCellLabel(props.cells, cellId)}
          />
        ) : null}
        {props.result ? (
          <ResultView result={props.result} onOpen={props.onOpen} />
        ) : null}
        {notebookPath ? (
          <EnvironmentView environment={props.environment} />
        ) : null}
      </div>
      {notebookPath ? (
        <Timeline
          notebookPath={notebookPath}
          total={props.total}
          error={props.timelineError}
          version={props.timelineVersion}
          cellFilter={props.cellFilter}
          cells={props.cells}
          getExecution={props.getExecution}
          getPrevious={props.getPrevious}
          onRangeChange={props.onRangeChange}
          onShowCell={props.onShowCell}
          onFilterCell={props.onFilterCell}
          onRefresh={props.onRefresh}
        />
      ) : null}
    </div>
  );
}
