/**
 * Finding a cell of a notebook by its id, and showing it to the person.
 */
import { NotebookPanel } from '@jupyterlab/notebook';

/** The class added to a cell for a moment after it was shown from the panel. */
export const HIGHLIGHT_CLASS = 'jp-Repro-CellHighlight';

/** How long a shown cell stays highlighted. */
export const HIGHLIGHT_MS = 1500;

/**
 * Make the cell `cellId` active, scroll to it and highlight it briefly.
 *
 * Returns false when the notebook has no such cell (it was deleted since it ran).
 */
export async function showCell(
  panel: NotebookPanel,
  cellId: string
): Promise<boolean> {
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
  if (index < 0) {
    return false;
  }
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'center');
  const cell = notebook.widgets[index];
  cell.addClass(HIGHLIGHT_CLASS);
  window.setTimeout(() => cell.removeClass(HIGHLIGHT_CLASS), HIGHLIGHT_MS);
  return true;
}
