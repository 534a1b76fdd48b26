import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

import { openDemo, uploadDemo } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'demo', 'demo.ipynb');
// The version the server extension reports is the package's own.
const VERSION: string = require(path.join(ROOT, 'package.json')).version;

test.describe('Lineage panel', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadFile(DEMO, `${tmpPath}/demo.ipynb`);
  });

  test('opens from the sidebar and names the active notebook', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.openByPath(`${tmpPath}/demo.ipynb`);
    await page.notebook.activate('demo.ipynb');

    const tab = page.getByRole('tab', { name: 'Lineage' });
    await expect(tab).toBeVisible();
    await tab.click();

    const panel = page.getByRole('region', { name: 'Lineage' });
    await expect(panel).toBeVisible();
    await expect(panel.getByTestId('repro-notebook-path')).toHaveText(
      `${tmpPath}/demo.ipynb`
    );
    await expect(panel).toContainText(`Server extension ${VERSION} connected.`);

    await panel.screenshot({
      path: test.info().outputPath('lineage-panel.png')
    });
  });

  test('lists the Lineage commands in the command palette', async ({
    page,
    tmpPath
  }) => {
    await uploadDemo(page, tmpPath);
    await openDemo(page, tmpPath);
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await expect(palette).toBeVisible();
    const items = palette.locator('.lm-CommandPalette-item');
    for (const label of [
      'Show Lineage Panel',
      'Refresh Lineage',
      'Export Script',
      'Export as Pipeline',
      'Verify Reproducibility',
      'Pair with Script (py:percent)',
      'Diff with Last Save',
      'Diff with Git HEAD'
    ]) {
      await palette.locator('input').fill(label);
      await expect(items.filter({ hasText: label }).first()).toBeVisible();
    }
    // They sit in the "Lineage" category: the search matches category and label.
    await palette.locator('input').fill('lineage export script');
    await expect(
      items.filter({ hasText: 'Export Script' }).first()
    ).toBeVisible();
  });
});
