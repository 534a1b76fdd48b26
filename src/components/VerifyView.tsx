import React from 'react';

import { dataFindings } from '../dataFindings';
import { findingKey, outputFindings, outputLabelWithMime } from '../outputs';
import {
  IVerifyJob,
  IVerifyOutput,
  IVerifyOutputs,
  IVerifyReport
} from '../tokens';

/** Props of the verify progress and result. */
export interface IVerifyViewProps {
  path: string | null;
  job: IVerifyJob;
  /** Names an execution's cell for the person ("cell 3"). */
  cellLabel: (cellId: string | null) => string;
  /** Names the cell an output belongs to: "cell 3", else "cell <id>". */
  outputCellLabel: (cellId: string | null) => string;
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
        <VerifyReport
          report={job.report}
          cellLabel={props.cellLabel}
          outputCellLabel={props.outputCellLabel}
        />
      ) : null}
    </div>
  );
}

function VerifyReport(props: {
  report: IVerifyReport;
  cellLabel: (cellId: string | null) => string;
  outputCellLabel: (cellId: string | null) => string;
}): JSX.Element {
  const { report } = props;
  const outputs = report.outputs;
  if (report.reproduced) {
    const shown = outputs.compared
      ? ` and ${outputs.matched.length} output${outputs.matched.length === 1 ? '' : 's'}`
      : '';
    return (
      <p
        className="jp-Repro-Verify-result jp-Repro-Verify-ok"
        data-testid="repro-verify-result"
      >
        <span aria-hidden="true">✓</span> Reproduced: {report.matched.length} of{' '}
        {report.targets} variables{shown} match ({report.seconds.toFixed(1)} s).
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
      {dataFindings(report).map(line => (
        <p key={line} className="jp-Repro-Verify-data">
          {line}
        </p>
      ))}
      <OutputFindings outputs={outputs} cellLabel={props.outputCellLabel} />
      {report.errors.map(error => (
        <p key={`${error.index}`} className="jp-Repro-Verify-failed">
          {cellError(error)}
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

/** Why a cell stopped the run: its message then names the cell itself. */
const STOPS = new Set(['cell-timeout', 'kernel-died', 'no-reply']);

/** A cell that raised, counted from 1 as a person counts cells (`index` is 0-based). */
function cellError(error: IVerifyReport['errors'][number]): string {
  if (STOPS.has(error.name)) {
    return error.message;
  }
  const at = error.execution === null ? '' : ` (execution ${error.execution})`;
  return `Cell ${error.index + 1}${at} raised ${error.name}: ${error.message}`;
}

/**
 * The recorded outputs that did not come back (with their cell and MIME type), then those that
 * differ between two clean runs, which no recording can match.
 */
function OutputFindings(props: {
  outputs: IVerifyOutputs;
  cellLabel: (cellId: string | null) => string;
}): JSX.Element | null {
  const { outputs, cellLabel } = props;
  if (!outputs.compared) {
    return (
      <p className="jp-Repro-LineagePanel-empty">
        Outputs were not compared: the recording keeps none.
      </p>
    );
  }
  const { differing, nondeterministic } = outputFindings(outputs);
  const total =
    outputs.matched.length + outputs.mismatched.length + outputs.missing.length;
  return (
    <>
      <OutputSection
        label="Outputs that differ"
        testId="repro-verify-outputs"
        intro={`${differing.length} of ${total} recorded outputs differ:`}
        outputs={differing}
        cellLabel={cellLabel}
      />
      <OutputSection
        label="Nondeterministic outputs"
        testId="repro-verify-nondeterministic"
        intro={
          'Nondeterministic: these outputs differ between two clean re-runs too. The code ' +
          'shows something new each run (unseeded randomness, clocks, unordered iteration), ' +
          'so no recording can match them.'
        }
        outputs={nondeterministic}
        cellLabel={cellLabel}
      />
    </>
  );
}

/** One titled list of output findings; nothing when the list is empty. */
function OutputSection(props: {
  label: string;
  testId: string;
  intro: string;
  outputs: IVerifyOutput[];
  cellLabel: (cellId: string | null) => string;
}): JSX.Element | null {
  if (!props.outputs.length) {
    return null;
  }
  return (
    <section
      className="jp-Repro-Verify-outputs"
      aria-label={props.label}
      data-testid={props.testId}
    >
      <p>{props.intro}</p>
      <ul className="jp-Repro-Verify-list">
        {props.outputs.map(output => (
          <OutputFinding
            key={findingKey(output)}
            output={output}
            cellLabel={props.cellLabel}
          />
        ))}
      </ul>
    </section>
  );
}

function OutputFinding(props: {
  output: IVerifyOutput;
  cellLabel: (cellId: string | null) => string;
}): JSX.Element {
  const { output } = props;
  const what = output.reproduced === null ? 'was not shown again' : 'differs';
  return (
    <li
      data-testid="repro-verify-output"
      title={`execution ${output.execution}, output ${output.index}: recorded ${output.recorded}, reproduced ${output.reproduced ?? 'nothing'}`}
    >
      <span className="jp-Repro-Verify-cell">
        {props.cellLabel(output.cell)}
      </span>
      : <code>{outputLabelWithMime(output)}</code> {what}
    </li>
  );
}
