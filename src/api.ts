/**
 * Typed calls to the jupyter-repro server extension: one per route of docs/rest-api.md.
 */
import { jsonBody, requestAPI } from './request';
import {
  DiffBase,
  ICellSource,
  ICellsReply,
  IDiffResult,
  IEnvironment,
  IExecution,
  IExportPipelineResult,
  IExportScriptResult,
  ILineagePage,
  IPairResult,
  IReproSettings,
  IServerStatus,
  IVerifyJob,
  IVersionsReply
} from './tokens';

/** Fetch the server extension's version and root directory. */
export function fetchStatus(): Promise<IServerStatus> {
  return requestAPI<IServerStatus>('status');
}

/** One page of a notebook's executions, newest first unless `order` says otherwise. */
export function fetchLineage(
  path: string,
  offset: number,
  limit: number,
  cellId?: string,
  order: 'desc' | 'asc' = 'desc'
): Promise<ILineagePage> {
  return requestAPI<ILineagePage>(
    'lineage',
    {},
    { path, order, offset, limit, cell_id: cellId }
  );
}

/** One execution in detail. */
export function fetchExecution(path: string, id: number): Promise<IExecution> {
  return requestAPI<IExecution>(`executions/${id}`, {}, { path });
}

/**
 * The status of every cell of a notebook, in notebook order: of the saved file, or of
 * `cells` as the editor has them (unsaved cells included).
 */
export function fetchCells(
  path: string,
  cells?: ICellSource[]
): Promise<ICellsReply> {
  return cells
    ? requestAPI<ICellsReply>('cells', jsonBody('POST', { path, cells }))
    : requestAPI<ICellsReply>('cells', {}, { path });
}

/** The environment of a notebook's latest session (or `session`), or null. */
export function fetchEnvironment(
  path: string,
  session?: string
): Promise<IEnvironment | null> {
  return requestAPI<IEnvironment | null>('environment', {}, { path, session });
}

/** Write the notebook's script (and its lock) beside it. */
export function exportScript(path: string): Promise<IExportScriptResult> {
  return requestAPI<IExportScriptResult>(
    'export/script',
    jsonBody('POST', { path })
  );
}

/** Write a pipeline (dvc or make) for the notebook. */
export function exportPipeline(
  path: string,
  to: 'dvc' | 'make' = 'dvc',
  force = false
): Promise<IExportPipelineResult> {
  return requestAPI<IExportPipelineResult>(
    'export/pipeline',
    jsonBody('POST', { path, to, force })
  );
}

/** Start verifying a notebook (or an exported script) in the background. */
export function startVerify(path: string): Promise<IVerifyJob> {
  return requestAPI<IVerifyJob>('verify', jsonBody('POST', { path }));
}

/** Poll a verify job. */
export function fetchVerify(id: string): Promise<IVerifyJob> {
  return requestAPI<IVerifyJob>(`verify/${encodeURIComponent(id)}`);
}

/** Pair the notebook with a jupytext script. */
export function pairNotebook(
  path: string,
  format = 'py:percent'
): Promise<IPairResult> {
  return requestAPI<IPairResult>('pair', jsonBody('POST', { path, format }));
}

/** The saved versions of a notebook, newest first (one per save). */
export function fetchVersions(path: string): Promise<IVersionsReply> {
  return requestAPI<IVersionsReply>('versions', {}, { path });
}

/** Diff the notebook against its last saved version or git HEAD. */
export function fetchDiff(path: string, base: DiffBase): Promise<IDiffResult> {
  return requestAPI<IDiffResult>('diff', {}, { path, base });
}

/** The recorder's settings stored for the notebook's project. */
export function fetchSettings(path: string): Promise<IReproSettings> {
  return requestAPI<IReproSettings>('settings', {}, { path });
}

/** Store the recorder's settings for the notebook's project. */
export function putSettings(
  path: string,
  settings: Partial<IReproSettings>
): Promise<IReproSettings> {
  return requestAPI<IReproSettings>(
    'settings',
    jsonBody('PUT', { path, ...settings })
  );
}
