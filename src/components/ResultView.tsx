import React from 'react';

import { ActionResult, IDiffResult } from '../tokens';

/** Props of the last action's result. */
export interface IResultViewProps {
  result: ActionResult;
  onOpen: (path: string) => void;
}

/** What the last export, pairing or diff produced. */
export function ResultView(props: IResultViewProps): JSX.Element {
  const { result, onOpen } = props;
  const open = (path: string) => (
    <button
      className="jp-Repro-Link"
      title={`Open ${path}`}
      onClick={() => onOpen(path)}
    >
      {path}
    </button>
  );
  switch (result.kind) {
    case 'script':
      return (
        <div className="jp-Repro-Result" data-testid="repro-result">
          <p>
            Wrote {open(result.value.script)} and its lock {result.value.lock}.
          </p>
          <Warnings warnings={result.value.warnings} />
        </div>
      );
    case 'pipeline':
      return (
        <div className="jp-Repro-Result" data-testid="repro-result">
          <p>
            Pipeline in {result.value.directory || '.'}:{' '}
            {result.value.stages.length} stage
            {result.value.stages.length === 1 ? '' : 's'}
          </p>
          <ul className="jp-Repro-Result-list">
            {result.value.stages.map(stage => (
              <li key={stage.name}>
                <code>{stage.name}</code> runs {stage.script}
                {stage.deps.length ? `, needs ${stage.deps.join(', ')}` : ''}
                {stage.outs.length ? `, makes ${stage.outs.join(', ')}` : ''}
              </li>
            ))}
          </ul>
          <p>
            Files:{' '}
            {result.value.files.map(file => (
              <span key={file}>{open(file)} </span>
            ))}
          </p>
          <Warnings warnings={result.value.warnings} />
        </div>
      );
    case 'pair':
      return (
        <div className="jp-Repro-Result" data-testid="repro-result">
          <p>
            Paired with {open(result.value.paired)} ({result.value.format}).
          </p>
        </div>
      );
    case 'diff':
      return <DiffSummary base={result.base} diff={result.value} />;
  }
}

function Warnings(props: { warnings: string[] }): JSX.Element | null {
  return props.warnings.length ? (
    <ul className="jp-Repro-Result-warnings">
      {props.warnings.map(warning => (
        <li key={warning}>{warning}</li>
      ))}
    </ul>
  ) : null;
}

function DiffSummary(props: { base: string; diff: IDiffResult }): JSX.Element {
  const summary = props.diff.summary;
  const base = props.base === 'git:HEAD' ? 'git HEAD' : 'the last save';
  const nothing =
    !summary.cells_added &&
    !summary.cells_removed &&
    !summary.cells_modified &&
    !summary.metadata_changed;
  return (
    <div className="jp-Repro-Result jp-Repro-Diff" data-testid="repro-result">
      <h3 className="jp-Repro-Section-title">Diff with {base}</h3>
      {nothing ? (
        <p>No changes.</p>
      ) : (
        <p>
          {summary.cells_modified} cell{summary.cells_modified === 1 ? '' : 's'}{' '}
          changed, {summary.cells_added} added, {summary.cells_removed} removed
          {summary.metadata_changed ? '; notebook metadata changed' : ''}.
        </p>
      )}
    </div>
  );
}
