/**
 * The extension's icons.
 */
import { LabIcon } from '@jupyterlab/ui-components';

/** The Lineage sidebar's icon: a small dependency graph. */
export const lineageIcon = new LabIcon({
  name: 'jupyter-repro:lineage',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><circle cx="6" cy="5" r="2.5"/><circle cx="6" cy="19" r="2.5"/><circle cx="18" cy="12" r="2.5"/><path d="M5 7h2v10H5z"/><path d="M7.4 6.2l9.4 4.6-.9 1.8-9.4-4.6z"/><path d="M7.4 17.8l9.4-4.6-.9-1.8-9.4 4.6z"/></g></svg>'
});
