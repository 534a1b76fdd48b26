/**
 * Ids and shared types of the jupyter-repro frontend.
 */

/** The id of the main plugin. */
export const PLUGIN_ID = 'jupyter-repro:plugin';

/** The DOM id of the Lineage sidebar, also used to restore its layout. */
export const LINEAGE_PANEL_ID = 'jupyter-repro-lineage';

/** The server extension's URL namespace, under the server's base URL. */
export const API_NAMESPACE = 'jupyter-repro';

/** Command ids. */
export namespace CommandIDs {
  export const openLineage = 'jupyter-repro:open-lineage';
}

/** What the server reports about itself (GET /jupyter-repro/status). */
export interface IServerStatus {
  version: string;
  root_dir: string;
}
