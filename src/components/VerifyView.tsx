import React from 'react';

import { IVerifyJob, IVerifyReport } from '../tokens';

/** Props of the verify progress and result. */
export interface IVerifyViewProps {
  path: string | null;
  job: IVerifyJob;
  /** Names an execution's cell for the person ("cell 3"). */
  cellLabel: (cellId: string | null) => string;
}

/** Progress of a verify run, then "Reproduced" or what diverged. */
export function VerifyView(props: IVerifyViewProps): JSX.Element {
  const { job } = props;
  const progress = job.progress;
  return (
    <div
      className="jp-Repro-Verify"
      data-testid="repro-verify"
      aria-live="polite"
    >
      <h3 className="jp-Repro-Section-title">Verify {props.path ?? ''}</h3>
      {job.state === 'running' ? (
        <p className="jp-Repro-Verify-progress">
          Re-running…{' '}
          {progress && progress.total > 0
            ? `${progress.done}/${progress.total} cells`
            : ''}
          {progress && progress.total > 0 ? (
            <progress value={progress.done} max={progress.total} />
          ) : null}
        </p>
      ) : job.state === 'failed' ? (
        <p className="jp-Repro-Verify-failed">Verify failed: {job.error}</p>
      ) : job.report ? (
        <VerifyReport report={job.report} cellLabel={props.cellLabel} />
      ) : null}
    </div>
  );
}

function VerifyReport(props: {
  report: IVerifyReport;
  cellLabel: (cellId: string | null) => string;
}): JSX.Element {
  const { report } = props;
  if (report.reproduced) {
    return (
      <p
        className="jp-Repro-Verify-result jp-Repro-Verify-ok"
        data-testid="repro-verify-result"
      >
        <span aria-hidden="true">✓</span> Reproduced: {report.matched.length} of{' '}
        {report.targets} variables match ({report.seconds.toFixed(1)} s).
      </p>
    );
  }
  const divergence = report.first_divergence;
  return (
    <div
      className="jp-Repro-Verify-result jp-Repro-Verify-bad"
      data-testid="repro-verify-result"
    >
      <p>
        <span aria-hidden="true">✕</span> Not reproduced.
      </p>
      {divergence ? (
        <p>
          First diverging execution: #{divergence.execution} (
          {props.cellLabel(divergence.cell_id)}) changed{' '}
          {divergence.names.join(', ')}.
        </p>
      ) : null}
      {report.mismatched.length ? (
        <ul className="jp-Repro-Verify-list">
          {report.mismatched.map(m => (
            <li key={m.name}>
              <code>{m.name}</code> differs
            </li>
          ))}
        </ul>
      ) : null}
      {report.missing.length ? (
        <p>Missing: {report.missing.join(', ')}</p>
      ) : null}
      {report.errors.map(error => (
        <p key={`${error.index}`} className="jp-Repro-Verify-failed">
          Cell {error.index} raised {error.name}: {error.message}
        </p>
      ))}
      {report.notes.map(note => (
        <p key={note} className="jp-Repro-LineagePanel-empty">
          {note}
        </p>
      ))}
    </div>
  );
}
