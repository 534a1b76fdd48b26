import { filterIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { changedOutputs, formatSize, outputLabel } from '../outputs';
import { IDiskChange, IExecution, IFileAccess } from '../tokens';
import { formatDuration, formatTime, shortHash, shortType } from './format';

/** The height of every timeline row, in pixels (the stylesheet lays out 5 lines in it). */
export const ROW_HEIGHT = 105;

/** Props of one timeline entry. */
export interface IExecutionRowProps {
  /** The execution, or undefined while its page loads. */
  execution: IExecution | undefined;
  /** How the row names the execution's cell ("cell 3", "a deleted cell"). */
  cellLabel: string;
  /** The previous run of the same cell, when the timeline has it loaded. */
  previous: IExecution | undefined;
  /** Whether the timeline is already filtered to this cell. */
  filtered: boolean;
  onShowCell: (cellId: string) => void;
  onFilterCell: (cellId: string | null) => void;
}

const STATUS_ICON: { [status: string]: string } = {
  ok: '✓',
  error: '✕',
  interrupted: '■',
  running: '…'
};

/** One execution: count, status, duration, changed variables, files read and written, outputs. */
export function ExecutionRow(props: IExecutionRowProps): JSX.Element {
  const { execution, cellLabel, filtered } = props;
  if (!execution) {
    return (
      <div className="jp-Repro-ExecutionRow jp-Repro-ExecutionRow-loading">
        Loading…
      </div>
    );
  }
  const cellId = execution.cell_id;
  const count = execution.execution_count ?? ' ';
  const variables = Object.entries(execution.changed);
  const status = execution.status;
  return (
    <div
      className={`jp-Repro-ExecutionRow jp-Repro-ExecutionRow-${status}`}
      data-testid="repro-execution"
      data-cell-id={cellId ?? ''}
    >
      <button
        className="jp-Repro-ExecutionRow-main"
        title={cellId ? 'Show this cell in the notebook' : execution.code}
        disabled={!cellId}
        onClick={() => cellId && props.onShowCell(cellId)}
      >
        <span
          className="jp-Repro-ExecutionRow-head"
          title={`Started ${execution.started}`}
        >
          <span className="jp-Repro-ExecutionRow-count">[{count}]</span>
          <span
            className={`jp-Repro-Status jp-Repro-Status-${status}`}
            title={
              execution.error
                ? `${execution.error.name}: ${execution.error.message}`
                : status
            }
          >
            <span aria-hidden="true">{STATUS_ICON[status] ?? '?'}</span>{' '}
            {status}
          </span>
          <span className="jp-Repro-ExecutionRow-duration">
            {formatDuration(execution.duration_ms)}
          </span>
          <span className="jp-Repro-ExecutionRow-cell">{cellLabel}</span>
          <span className="jp-Repro-ExecutionRow-time">
            {formatTime(execution.started)}
          </span>
          <DiskChanges files={execution.changed_on_disk ?? []} />
        </span>
        <span
          className="jp-Repro-ExecutionRow-line jp-Repro-ExecutionRow-vars"
          title={variables
            .map(
              ([name, v]) =>
                `${name}: ${v.type} ${v.hash}${v.summary ? ` ${v.summary}` : ''}`
            )
            .concat(execution.removed.map(name => `${name}: deleted`))
            .join('\n')}
        >
          {variables.length === 0 && execution.removed.length === 0 ? (
            <span className="jp-Repro-ExecutionRow-none">
              no variables changed
            </span>
          ) : null}
          {variables.map(([name, v]) => (
            <span
              key={name}
              className="jp-Repro-Variable"
              data-testid="repro-variable"
            >
              <span className="jp-Repro-Variable-name">{name}</span>{' '}
              <span className="jp-Repro-Variable-type">
                {shortType(v.type)}
              </span>{' '}
              <span className="jp-Repro-Variable-hash">
                {shortHash(v.hash)}
              </span>
            </span>
          ))}
          {execution.removed.map(name => (
            <span
              key={`-${name}`}
              className="jp-Repro-Variable jp-Repro-Variable-removed"
            >
              del {name}
            </span>
          ))}
        </span>
        <FileLine label="read" files={execution.files_read} />
        <FileLine label="wrote" files={execution.files_written} />
      </button>
      <OutputLine
        execution={execution}
        previous={props.previous}
        cellLabel={cellLabel}
      />
      {cellId ? (
        <button
          className="jp-Repro-ExecutionRow-filter"
          aria-pressed={filtered}
          aria-label={filtered ? 'Show every cell' : `Show only ${cellLabel}`}
          title={filtered ? 'Show every cell' : `Show only ${cellLabel}`}
          onClick={() => props.onFilterCell(filtered ? null : cellId)}
        >
          <filterIcon.react tag="span" aria-hidden="true" />
        </button>
      ) : null}
    </div>
  );
}

/**
 * Files someone else changed while the cell ran. They are not the cell's reads or writes (no
 * pipeline stage declares them), but a result that used them may not come back the same.
 */
function DiskChanges(props: { files: IDiskChange[] }): JSX.Element | null {
  const { files } = props;
  if (files.length === 0) {
    return null;
  }
  const label =
    files.length === 1
      ? `${files[0].path} changed on disk by another process while the cell ran`
      : `${files.length} files changed on disk by another process while the cell ran`;
  return (
    <span
      className="jp-Repro-Badge jp-Repro-Badge-disk"
      title={`${label}:\n${files
        .map(file => `${file.path}${file.size === null ? ' (deleted)' : ''}`)
        .join('\n')}`}
      data-testid="repro-disk-changes"
    >
      ⚠ {files.length} changed on disk
    </span>
  );
}

function FileLine(props: { label: string; files: IFileAccess[] }): JSX.Element {
  const { label, files } = props;
  const names = files.map(file => file.path).join(', ');
  return (
    <span
      className={`jp-Repro-ExecutionRow-line jp-Repro-ExecutionRow-files-${label}`}
      title={files.map(file => `${file.path} ${file.hash ?? ''}`).join('\n')}
    >
      <span className="jp-Repro-ExecutionRow-label">{label}:</span>{' '}
      {names || <span className="jp-Repro-ExecutionRow-none">—</span>}
    </span>
  );
}

/**
 * The outputs an execution showed, kind and size, each flagged "changed" when it differs from
 * the same output of the previous run of the cell. Outside the row's button, so each output and
 * badge keeps its own accessible name.
 */
function OutputLine(props: {
  execution: IExecution;
  previous: IExecution | undefined;
  cellLabel: string;
}): JSX.Element {
  const { execution, previous } = props;
  const outputs = execution.outputs ?? [];
  const changed = changedOutputs(outputs, previous?.outputs);
  const since = previous
    ? `since the previous run of ${props.cellLabel} ([${previous.execution_count ?? ' '}])`
    : '';
  return (
    <div
      className="jp-Repro-ExecutionRow-line jp-Repro-ExecutionRow-outputs"
      title={outputs
        .map(
          (output, i) =>
            `${outputLabel(output)} ${formatSize(output.size)} ${shortHash(output.hash)}` +
            (changed[i] ? ` changed ${since}` : '')
        )
        .join('\n')}
    >
      <span className="jp-Repro-ExecutionRow-label">out:</span>{' '}
      {outputs.length === 0 ? (
        <span className="jp-Repro-ExecutionRow-none">—</span>
      ) : (
        <ul
          className="jp-Repro-Outputs"
          aria-label={`Outputs of [${execution.execution_count ?? ' '}]`}
        >
          {outputs.map((output, i) => (
            <li
              key={`${output.index}-${output.mime}-${output.name ?? ''}`}
              className="jp-Repro-Output"
              data-testid="repro-output"
            >
              <span className="jp-Repro-Output-kind">
                {outputLabel(output)}
              </span>{' '}
              <span className="jp-Repro-Output-size">
                {formatSize(output.size)}
              </span>
              {changed[i] ? ' ' : null}
              {changed[i] ? (
                <span
                  className="jp-Repro-Badge jp-Repro-Badge-changed"
                  role="img"
                  aria-label={`${outputLabel(output)} changed ${since}`}
                  title={`Differs from the same output ${since}`}
                  data-testid="repro-output-changed"
                >
                  changed
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
