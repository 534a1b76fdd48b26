import { refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { ICellStatus, IExecution } from '../tokens';
import { ExecutionRow, ROW_HEIGHT } from './ExecutionRow';
import { VirtualList } from './VirtualList';

/** Props of the timeline: rows come from `getExecution`, pages are asked for by range. */
export interface ITimelineProps {
  notebookPath: string;
  total: number | null;
  error: string | null;
  /** Bumped when the loaded rows were dropped. */
  version: number;
  cellFilter: string | null;
  cells: readonly ICellStatus[];
  getExecution: (index: number) => IExecution | undefined;
  /** The previous run of row `index`'s cell, when loaded (remembered by the model). */
  getPrevious: (index: number) => IExecution | undefined;
  onRangeChange: (start: number, end: number) => void;
  onShowCell: (cellId: string) => void;
  onFilterCell: (cellId: string | null) => void;
  onRefresh: () => void;
}

/** How a cell is named in the panel: its position, counted from 1 as people do. */
export function cellLabel(
  cells: readonly ICellStatus[],
  cellId: string | null
): string {
  const cell = cells.find(c => c.cell_id === cellId);
  return cell
    ? `cell ${cell.index + 1}`
    : cellId
      ? 'a deleted cell'
      : 'no cell';
}

/** The executions of the notebook, newest first, filterable by cell. */
export function Timeline(props: ITimelineProps): JSX.Element {
  const { total, cells, cellFilter } = props;
  const codeCells = cells.filter(cell => cell.cell_type === 'code');
  const known = codeCells.some(cell => cell.cell_id === cellFilter);
  return (
    <section className="jp-Repro-Timeline" aria-label="Executions">
      <div className="jp-Repro-Timeline-header">
        <span className="jp-Repro-Timeline-total" data-testid="repro-total">
          {total === null
            ? 'Loading executions…'
            : `${total} execution${total === 1 ? '' : 's'}`}
        </span>
        <select
          className="jp-Repro-Timeline-filter"
          aria-label="Filter executions by cell"
          value={cellFilter ?? ''}
          onChange={event => props.onFilterCell(event.target.value || null)}
        >
          <option value="">All cells</option>
          {codeCells.map(cell => (
            <option key={cell.cell_id} value={cell.cell_id}>
              {`Cell ${cell.index + 1}${cell.status === 'ok' ? '' : ` (${cell.status})`}`}
            </option>
          ))}
          {cellFilter && !known ? (
            <option value={cellFilter}>A deleted cell</option>
          ) : null}
        </select>
        <button
          className="jp-Repro-Timeline-refresh"
          aria-label="Refresh the lineage"
          title="Refresh the lineage"
          onClick={props.onRefresh}
        >
          <refreshIcon.react tag="span" aria-hidden="true" />
        </button>
      </div>
      {props.error ? (
        <p className="jp-Repro-Timeline-error" role="alert">
          Could not load the executions: {props.error}
        </p>
      ) : null}
      {total === 0 ? (
        <p className="jp-Repro-LineagePanel-empty">
          No executions recorded yet. Run a cell with the &quot;Python 3
          (repro)&quot; kernel.
        </p>
      ) : (
        <VirtualList
          className="jp-Repro-Timeline-list"
          ariaLabel="Executions, newest first"
          itemCount={total ?? 0}
          rowHeight={ROW_HEIGHT}
          version={props.version}
          resetKey={`${props.notebookPath}\n${cellFilter ?? ''}`}
          onRangeChange={props.onRangeChange}
          renderRow={index => {
            const execution = props.getExecution(index);
            const cellId = execution?.cell_id ?? null;
            return (
              <ExecutionRow
                execution={execution}
                cellLabel={cellLabel(cells, cellId)}
                previous={execution ? props.getPrevious(index) : undefined}
                filtered={cellId !== null && cellId === cellFilter}
                onShowCell={props.onShowCell}
                onFilterCell={props.onFilterCell}
              />
            );
          }}
        />
      )}
    </section>
  );
}
