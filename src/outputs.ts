/**
 * What the panel says about outputs: a readable kind and size, which outputs changed since the
 * previous run of the same cell, and how a verify report's output findings are grouped.
 *
 * Pure functions of the JSON the server sends: the timeline model finds a row's previous run
 * with `previousRun`, the rows and the verify view label what they show.
 */
import {
  ICellStatus,
  IExecution,
  IOutputFingerprint,
  IVerifyOutput,
  IVerifyOutputs
} from './tokens';

/** What tells outputs apart, in an execution's fingerprints and in a verify report alike. */
export type OutputKind = Pick<
  IOutputFingerprint,
  'output_type' | 'mime' | 'name'
>;

/** An output's kind as people read it: stdout, stderr, result text/html, display image/png, error. */
export function outputLabel(output: OutputKind): string {
  switch (output.output_type) {
    case 'stream':
      return output.name ?? 'stream';
    case 'execute_result':
      return `result ${output.mime}`;
    case 'display_data':
      return `display ${output.mime}`;
    case 'error':
      return 'error';
    default:
      return `${output.output_type} ${output.mime}`;
  }
}

/** `outputLabel` with the MIME type even where the kind implies it: `stdout (text/plain)`. */
export function outputLabelWithMime(output: OutputKind): string {
  const label = outputLabel(output);
  return label.endsWith(output.mime) ? label : `${label} (${output.mime})`;
}

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** A size in bytes a person reads at a glance: 532 B, 12.3 KB, 345 KB, 1.2 MB (1 KB = 1024 B). */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !(bytes >= 0)) {
    return '';
  }
  if (bytes < 1024) {
    return `${Math.round(bytes)} B`;
  }
  let value = bytes / 1024;
  let unit = 0;
  // Move up while the rounded number would show 4 digits (1023.96 KB reads as 1.0 MB).
  while (Math.round(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 99.95 ? value.toFixed(1) : Math.round(value).toString();
  return `${shown} ${UNITS[unit]}`;
}

/**
 * Which of `outputs` differ from the same output of `previous` (the previous run's outputs).
 *
 * An output is paired with the previous run's output of the same kind (output type, MIME type,
 * stream name) at the same rank among the outputs of that kind, as `verify` pairs them: the
 * second PNG with the second PNG. Positions alone would flag both streams whenever stdout and
 * stderr trade places, which flush timing decides. An output with no counterpart is not
 * flagged: the previous run may predate output recording.
 */
export function changedOutputs(
  outputs: readonly IOutputFingerprint[],
  previous: readonly IOutputFingerprint[] | undefined
): boolean[] {
  if (!previous || previous.length === 0) {
    return outputs.map(() => false);
  }
  const earlier = new Map<string, string[]>();
  for (const output of previous) {
    const key = kindKey(output);
    const hashes = earlier.get(key);
    if (hashes) {
      hashes.push(output.hash);
    } else {
      earlier.set(key, [output.hash]);
    }
  }
  const ranks = new Map<string, number>();
  return outputs.map(output => {
    const key = kindKey(output);
    const rank = ranks.get(key) ?? 0;
    ranks.set(key, rank + 1);
    const hash = earlier.get(key)?.[rank];
    return hash !== undefined && hash !== output.hash;
  });
}

function kindKey(output: OutputKind): string {
  return `${output.output_type}\n${output.mime}\n${output.name ?? ''}`;
}

/**
 * The previous run of row `index`'s cell in a newest-first list, or undefined when it is not
 * known: the cell has no id, ran only once, or a row between is not loaded (`get` returns
 * undefined), where a closer run may hide.
 */
export function previousRun(
  get: (index: number) => IExecution | undefined,
  index: number,
  total: number
): IExecution | undefined {
  const cellId = get(index)?.cell_id;
  if (!cellId) {
    return undefined;
  }
  for (let row = index + 1; row < total; row++) {
    const execution = get(row);
    if (!execution || execution.cell_id === cellId) {
      return execution;
    }
  }
  return undefined;
}

/** The cell an output belongs to: its number in the notebook when known, else its id. */
export function outputCellLabel(
  cells: readonly ICellStatus[],
  cellId: string | null
): string {
  if (!cellId) {
    return 'no cell';
  }
  const cell = cells.find(c => c.cell_id === cellId);
  return cell ? `cell ${cell.index + 1}` : `cell ${cellId}`;
}

/** A verify report's output findings as the panel lists them. */
export interface IOutputFindings {
  /** Mismatched or missing, and the same in two clean runs: the export is at fault. */
  differing: IVerifyOutput[];
  /** Differ between two clean runs: the code shows something new each run. */
  nondeterministic: IVerifyOutput[];
}

/** Split the outputs that did not come back into those that differ and the nondeterministic. */
export function outputFindings(outputs: IVerifyOutputs): IOutputFindings {
  const shaky = new Set(outputs.nondeterministic.map(findingKey));
  return {
    differing: [...outputs.mismatched, ...outputs.missing].filter(
      output => !shaky.has(findingKey(output))
    ),
    nondeterministic: outputs.nondeterministic
  };
}

/** Identifies a verify output finding (a bundle's MIME types share the execution and index). */
export function findingKey(output: IVerifyOutput): string {
  return `${output.execution}\n${output.index}\n${output.mime}\n${output.name ?? ''}`;
}
