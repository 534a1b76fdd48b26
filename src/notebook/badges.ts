/**
 * Stale and out-of-order badges on a notebook's cells.
 */
import { NotebookPanel } from '@jupyterlab/notebook';

import { ICellStatus } from '../tokens';

/** The class every badge has; a second class names its status. */
export const BADGE_CLASS = 'jp-Repro-CellBadge';

/** The statuses that earn a badge, with the text the badge shows. */
const BADGE_TEXT: { [status: string]: string } = {
  stale: 'stale',
  'out-of-order': 'out of order'
};

/**
 * Put on each cell of `panel` the badge its status calls for, and remove the others.
 *
 * The badge is a direct child of the cell's node (the prompt rewrites its own text), placed
 * under the input prompt by the stylesheet; its title is the server's reasons.
 */
export function applyBadges(
  panel: NotebookPanel,
  statuses: readonly ICellStatus[]
): void {
  const byId = new Map(statuses.map(status => [status.cell_id, status]));
  for (const cell of panel.content.widgets) {
    const status = byId.get(cell.model.id);
    const text = status ? BADGE_TEXT[status.status] : undefined;
    let badge = cell.node.querySelector<HTMLElement>(
      `:scope > .${BADGE_CLASS}`
    );
    if (!status || !text) {
      badge?.remove();
      continue;
    }
    if (!badge) {
      badge = document.createElement('div');
      cell.node.appendChild(badge);
    }
    badge.className = `${BADGE_CLASS} ${BADGE_CLASS}-${status.status}`;
    badge.textContent = text;
    badge.title = status.reasons.join('\n') || text;
    badge.setAttribute('role', 'status');
    badge.setAttribute('aria-label', `Cell is ${text}: ${badge.title}`);
  }
}
