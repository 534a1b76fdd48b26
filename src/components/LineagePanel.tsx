import React from 'react';

import { IServerStatus } from '../tokens';

/** Props of the Lineage panel: everything it shows, nothing it fetches. */
export interface ILineagePanelProps {
  notebookPath: string | null;
  serverStatus: IServerStatus | null;
  serverError: string | null;
}

/** The Lineage panel's content for the active notebook. */
export function LineagePanel(props: ILineagePanelProps): JSX.Element {
  const { notebookPath, serverStatus, serverError } = props;
  return (
    <div className="jp-Repro-LineagePanel-content">
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
    </div>
  );
}
