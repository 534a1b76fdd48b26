/**
 * Ids and shared types of the jupyter-repro frontend.
 *
 * The types mirror the JSON shapes of docs/rest-api.md.
 */

/** The id of the main plugin (its settings live in schema/plugin.json). */
export const PLUGIN_ID = 'jupyter-repro:plugin';

/** The id of the plugin adding "Export as pipeline" to the notebook toolbar. */
export const TOOLBAR_PLUGIN_ID = 'jupyter-repro:notebook-toolbar';

/** The DOM id of the Lineage sidebar, also used to restore its layout. */
export const LINEAGE_PANEL_ID = 'jupyter-repro-lineage';

/** The server extension's URL namespace, under the server's base URL. */
export const API_NAMESPACE = 'jupyter-repro';

/** The command palette category of every jupyter-repro command. */
export const COMMAND_CATEGORY = 'Lineage';

/** Command ids. */
export namespace CommandIDs {
  export const openLineage = 'jupyter-repro:open-lineage';
  export const refresh = 'jupyter-repro:refresh';
  export const exportScript = 'jupyter-repro:export-script';
  export const exportPipeline = 'jupyter-repro:export-pipeline';
  export const verify = 'jupyter-repro:verify';
  export const pair = 'jupyter-repro:pair';
  export const diff = 'jupyter-repro:diff';
  export const showCell = 'jupyter-repro:show-cell';
}

/** nbdime's commands, used for the diff view when nbdime-jupyterlab is installed. */
export namespace NbdimeCommandIDs {
  export const diffCheckpoint = 'nbdime:diff-checkpoint';
  export const diffGit = 'nbdime:diff-git';
}

/** What the server reports about itself (GET status). */
export interface IServerStatus {
  version: string;
  root_dir: string;
}

/** A variable's recorded state: never the value. */
export interface IVariableState {
  hash: string;
  type: string;
  summary: string | null;
  complete: boolean;
}

/** A data file as an execution left it. */
export interface IFileAccess {
  path: string;
  hash: string | null;
  size: number | null;
}

/**
 * A file another process (or a program the cell started) changed while the execution ran: never
 * the execution's own read or write. `size` is null when the file was deleted.
 */
export interface IDiskChange {
  path: string;
  size: number | null;
  mtime_ns: number | null;
}

/** The fingerprint of one output an execution showed (never the output itself). */
export interface IOutputFingerprint {
  /** The output's position among the execution's outputs, from 0 (a bundle's MIME types share it). */
  index: number;
  output_type: 'stream' | 'execute_result' | 'display_data' | 'error' | string;
  mime: string;
  /** A stream's name (`stdout`, `stderr`); null for other outputs. */
  name: string | null;
  /** Bytes sent (for images, their base64 text). */
  size: number;
  /** Equal hashes mean the same output (what varies between identical runs is taken out). */
  hash: string;
}

/** One recorded execution of a cell. */
export interface IExecution {
  id: number;
  session: string;
  notebook: string | null;
  cell_id: string | null;
  execution_count: number | null;
  code: string;
  code_hash: string;
  status: 'ok' | 'error' | 'interrupted' | 'running' | string;
  error: { name: string; message: string } | null;
  started: string;
  ended: string | null;
  duration_ms: number | null;
  changed: { [name: string]: IVariableState };
  removed: string[];
  unhashable: string[];
  files_read: IFileAccess[];
  files_written: IFileAccess[];
  /** Absent in answers from servers older than this field. */
  changed_on_disk?: IDiskChange[];
  env: string | null;
  /** Empty when none were recorded (older recordings, output tracking off). */
  outputs: IOutputFingerprint[];
}

/** One page of a notebook's lineage (GET lineage). */
export interface ILineagePage {
  notebook: string;
  total: number;
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
  executions: IExecution[];
}

/** The status of one cell of a notebook. */
export type CellStatusKind = 'never-run' | 'stale' | 'out-of-order' | 'ok';

/** The status of one cell, in notebook order (GET cells). */
export interface ICellStatus {
  cell_id: string;
  index: number;
  cell_type: string;
  status: CellStatusKind;
  reasons: string[];
  last_execution: number | null;
  execution_count: number | null;
  /** The source differs from the code that last ran. */
  edited?: boolean;
  /** How the last execution ended: ok, error, interrupted, running. */
  execution_status?: string | null;
}

/** A cell as the editor has it, sent to `POST cells`. */
export interface ICellSource {
  id: string;
  cell_type: string;
  source: string;
}

/** Every cell's status (GET cells). */
export interface ICellsReply {
  notebook: string;
  session: string | null;
  cells: ICellStatus[];
}

/** The environment a session ran in (GET environment). */
export interface IEnvironment {
  id: string;
  python?: { version?: string; implementation?: string; executable?: string };
  os?: { platform?: string; distribution?: string | null };
  packages?: { [name: string]: string };
  kernel_name?: string | null;
  git?: {
    commit?: string | null;
    branch?: string | null;
    dirty?: boolean | null;
    remote?: string | null;
  } | null;
  env_vars?: { [name: string]: string };
}

/** What POST export/script wrote. */
export interface IExportScriptResult {
  script: string;
  lock: string;
  executions: number[] | number;
  warnings: string[];
}

/** One stage of an exported pipeline. */
export interface IPipelineStage {
  name: string;
  script: string;
  deps: string[];
  outs: string[];
  params?: unknown;
}

/** What POST export/pipeline wrote. */
export interface IExportPipelineResult {
  directory: string;
  stages: IPipelineStage[];
  files: string[];
  warnings: string[];
  single_stage: boolean;
}

/** A verify report (as `jupyter repro verify --json`). */
export interface IVerifyReport {
  reproduced: boolean;
  script: string;
  targets: number;
  matched: string[];
  mismatched: { name: string; recorded: string; reproduced: string }[];
  missing: string[];
  unhashable: string[];
  first_divergence: {
    execution: number;
    cell_id: string | null;
    names: string[];
  } | null;
  errors: {
    index: number;
    execution: number | null;
    name: string;
    message: string;
  }[];
  notes: string[];
  /** Data files whose content is not the recorded one (current null: missing). */
  files?: { path: string; recorded: string; current: string | null }[];
  /** Versions of data files the re-run could not replay, one line each. */
  data_versions?: string[];
  seconds: number;
  outputs: IVerifyOutputs;
}

/** The recorded outputs a verify re-run compared with what it showed again. */
export interface IVerifyOutputs {
  /** False: the lock keeps no outputs, so none were compared. */
  compared: boolean;
  matched: IVerifyOutput[];
  mismatched: IVerifyOutput[];
  missing: IVerifyOutput[];
  /** Outputs that differ between two clean re-runs. */
  nondeterministic: IVerifyOutput[];
}

/** One recorded output and what the re-run showed in its place. */
export interface IVerifyOutput {
  /** The notebook cell id. */
  cell: string | null;
  /** The recorded execution. */
  execution: number;
  index: number;
  output_type: string;
  mime: string;
  name: string | null;
  recorded: string;
  /** Null: the re-run did not show it. */
  reproduced: string | null;
}

/** A verify job, as polled (GET verify/<id>). */
export interface IVerifyJob {
  id: string;
  path?: string;
  state: 'running' | 'done' | 'failed';
  progress?: { done: number; total: number } | null;
  report: IVerifyReport | null;
  error: string | null;
}

/** What POST pair did. */
export interface IPairResult {
  notebook: string;
  paired: string;
  format: string;
  /** The notebook's jupytext pairing after the call (`ipynb,py:percent`). */
  formats?: string;
  /** False when the notebook was already paired and in sync (nothing written). */
  changed?: boolean;
}

/** The saved versions of a notebook (GET versions), newest first. */
export interface IVersionsReply {
  notebook: string;
  versions: { id: number; saved: string; hash: string }[];
}

/** Where a diff starts from. */
export type DiffBase = 'saved' | 'git:HEAD';

/** A diff (GET diff): `diff` is nbdime's diff model of `base` to the file. */
export interface IDiffResult {
  base: unknown;
  diff: unknown[];
  summary: IDiffSummary;
}

/** The server's digest of a diff. */
export interface IDiffSummary {
  cells_added: number;
  cells_removed: number;
  cells_modified: number;
  metadata_changed: boolean;
}

/** The recorder's settings the server stores for a project (GET/PUT settings). */
export interface IReproSettings {
  skip: string[];
  budget_mb: number;
}

/** What the last panel action produced, shown under the toolbar. */
export type ActionResult =
  | { kind: 'script'; value: IExportScriptResult }
  | { kind: 'pipeline'; value: IExportPipelineResult }
  | { kind: 'pair'; value: IPairResult }
  | { kind: 'diff'; base: DiffBase; value: IDiffResult };

/** An error the server answered, with the action that met it. */
export interface IPanelError {
  action: string;
  message: string;
  /** The HTTP status, when the server answered. */
  status?: number;
}
