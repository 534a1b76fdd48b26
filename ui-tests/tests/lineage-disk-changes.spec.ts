import { expect, test } from '@jupyterlab/galata';

import { codeNotebook, executions, openLineage, openNotebook } from './helpers';

/**
 * The first cell starts a program that writes a file: that write is not the cell's own (no
 * pipeline stage may declare it), so the panel shows it apart, as a change on disk.
 */
const NOTEBOOK = codeNotebook([
  {
    id: 'download-cell',
    source: [
      'import subprocess, sys, time\n',
      "subprocess.run([sys.executable, '-c', \"open('fetched.txt', 'w').write('x')\"], check=True)\n",
      'time.sleep(0.3)'
    ]
  },
  { id: 'plain-cell', source: ['total = 1 + 1'] }
]);

test('a file another program wrote during a cell is shown as changed on disk', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'fetch.ipynb', NOTEBOOK);
  const panel = await openLineage(page);
  const rows = executions(panel);

  expect(await page.notebook.runCell(0)).toBe(true);
  expect(await page.notebook.runCell(1)).toBe(true);
  await expect(panel.getByTestId('repro-total')).toHaveText('2 executions');

  // Newest first: the plain cell has no badge; the first one names the file.
  await expect(rows.first().getByTestId('repro-disk-changes')).toHaveCount(0);
  const badge = rows.last().getByTestId('repro-disk-changes');
  await expect(badge).toHaveText('⚠ 1 changed on disk');
  await expect(badge).toHaveAttribute(
    'title',
    /fetched\.txt changed on disk by another process while the cell ran/
  );
  // Not one of the cell's own writes.
  await expect(rows.last()).toContainText('wrote: —');
});
