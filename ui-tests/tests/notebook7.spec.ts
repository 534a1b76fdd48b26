import { expect, test } from '@jupyterlab/galata';

import { keepScreenshot, uploadDemo } from './helpers';

/**
 * Notebook 7's notebook view takes the same sidebar widget: the Lineage panel opens there too
 * and follows the notebook.
 */
test('the Lineage panel works in the Notebook 7 notebook view', async ({
  page,
  tmpPath,
  baseURL
}) => {
  await uploadDemo(page, tmpPath);

  // A plain page: Galata's own `goto` waits for JupyterLab, not for Notebook 7.
  const notebook7 = await page.context().newPage();
  await notebook7.goto(`${baseURL}/notebooks/${tmpPath}/demo.ipynb`);
  await expect(notebook7.locator('.jp-NotebookPanel')).toBeVisible({
    timeout: 60000
  });
  await notebook7.waitForFunction(() => (window as any).jupyterapp?.commands);
  await notebook7.evaluate(() =>
    (window as any).jupyterapp.commands.execute('jupyter-repro:open-lineage')
  );

  const panel = notebook7.getByRole('region', { name: 'Lineage' });
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('repro-notebook-path')).toHaveText(
    `${tmpPath}/demo.ipynb`
  );
  await keepScreenshot(panel, 'notebook7-panel');
});
