import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

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
});
