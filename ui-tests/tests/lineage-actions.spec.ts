import { expect, test } from '@jupyterlab/galata';

import {
  CELL,
  keepScreenshot,
  mainTab,
  openDemo,
  openLineage,
  runCells,
  uploadDemo
} from './helpers';

const ALL = [CELL.imports, CELL.load, CELL.derive, CELL.summary];

test.describe('Lineage actions', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await uploadDemo(page, tmpPath);
    await openDemo(page, tmpPath);
    await runCells(page, ALL);
  });

  test('exports a script beside the notebook and opens it', async ({
    page,
    tmpPath
  }) => {
    const panel = await openLineage(page);
    await panel.getByRole('button', { name: 'Export script' }).click();

    await expect(mainTab(page, /^demo_script\.py$/)).toBeVisible();
    await expect(panel.getByTestId('repro-result')).toContainText(
      `Wrote ${tmpPath}/demo_script.py`
    );
    expect(await page.contents.fileExists(`${tmpPath}/demo_script.py`)).toBe(
      true
    );
    await keepScreenshot(panel, 'export-script');
  });

  test('verifies the notebook by re-running it: Reproduced', async ({
    page
  }) => {
    const panel = await openLineage(page);
    await panel.getByRole('button', { name: 'Verify', exact: true }).click();
    const verify = panel.getByTestId('repro-verify');
    await expect(verify).toContainText('Re-running…');
    await expect(panel.getByTestId('repro-verify-result')).toContainText(
      'Reproduced',
      { timeout: 120000 }
    );
    await expect(panel.getByTestId('repro-verify-result')).not.toContainText(
      'Not reproduced'
    );
    await keepScreenshot(panel, 'verify-reproduced');
  });

  test('pairs the notebook with a py:percent script and opens it', async ({
    page,
    tmpPath
  }) => {
    const panel = await openLineage(page);
    await panel.getByRole('button', { name: 'Pair with script' }).click();

    await expect(panel.getByTestId('repro-result')).toContainText(
      `Paired with ${tmpPath}/demo.py (py:percent)`
    );
    await expect(mainTab(page, /^demo\.py$/)).toBeVisible();
    expect(await page.contents.fileExists(`${tmpPath}/demo.py`)).toBe(true);
    await page.filebrowser.openDirectory(tmpPath);
    await expect(
      page.locator('.jp-DirListing-itemText', { hasText: /^demo\.py$/ })
    ).toBeVisible();
    await keepScreenshot(panel, 'pair');
  });

  test('exports a dvc pipeline from the notebook toolbar', async ({
    page,
    tmpPath
  }) => {
    await page
      .locator('.jp-NotebookPanel-toolbar')
      .getByRole('button', { name: 'Export as pipeline' })
      .click();
    const panel = await openLineage(page);
    const result = panel.getByTestId('repro-result');
    await expect(result).toContainText(`Pipeline in ${tmpPath}/pipeline`);
    await expect(result).toContainText('dvc.yaml');
    await expect(result.locator('li').first()).toContainText('runs');
    await keepScreenshot(panel, 'export-pipeline');

    // A second export would overwrite it: the panel asks first.
    await panel.getByRole('button', { name: 'Export as pipeline' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Replace the pipeline?');
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await expect(result).toContainText('dvc.yaml');
    await expect(panel.getByTestId('repro-error')).toHaveCount(0);
  });

  test('opens a diff with the last save in nbdime', async ({ page }) => {
    await page.notebook.save();
    await page.notebook.setCell(
      CELL.derive,
      'code',
      'measurements["ratio"] = 2'
    );
    await page.notebook.save();
    const panel = await openLineage(page);
    await panel.getByRole('button', { name: 'Diff: last save' }).click();
    const tab = mainTab(page, /Diff/);
    await expect(tab).toBeVisible();
    await expect(
      page.locator('.nbdime-Widget, .jp-Notebook-diff').first()
    ).toBeVisible({
      timeout: 30000
    });
    await keepScreenshot(panel, 'diff');
    await page.screenshot({ path: test.info().outputPath('diff-nbdime.png') });
  });

  test('shows the server error when a diff with git HEAD is impossible', async ({
    page
  }) => {
    const panel = await openLineage(page);
    await panel.getByRole('button', { name: 'Diff: git HEAD' }).click();
    const error = panel.getByTestId('repro-error');
    await expect(error).toContainText('Diff failed:');
    await expect(error).toContainText(/git/i);
    await keepScreenshot(panel, 'diff-error');
    await error.getByRole('button', { name: 'Dismiss the error' }).click();
    await expect(error).toHaveCount(0);
  });
});
