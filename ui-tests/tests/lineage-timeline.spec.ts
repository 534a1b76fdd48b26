import { expect, test } from '@jupyterlab/galata';

import {
  CELL,
  executions,
  keepScreenshot,
  openDemo,
  openLineage,
  runCells,
  uploadDemo
} from './helpers';

test.describe('Lineage timeline and cell badges', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await uploadDemo(page, tmpPath);
    await openDemo(page, tmpPath);
  });

  test('records out-of-order runs with their variables, files and a stale badge', async ({
    page
  }) => {
    const panel = await openLineage(page);
    await expect(panel.getByTestId('repro-total')).toHaveText('0 executions');

    // Out of order: load, derive, then load again (derive read `measurements`, which the
    // later run of the load cell replaced).
    await runCells(page, [CELL.imports, CELL.load, CELL.derive, CELL.load]);

    await expect(panel.getByTestId('repro-total')).toHaveText('4 executions');
    const rows = executions(panel);
    await expect(rows).toHaveCount(4);

    // Newest first: the second run of the load cell, which read the csv file.
    const newest = rows.first();
    await expect(newest).toContainText('[4]');
    await expect(newest).toContainText('ok');
    await expect(newest).toContainText('cell 4');
    await expect(newest).toContainText('data/measurements.csv');
    const variable = newest.getByTestId('repro-variable');
    await expect(variable).toHaveCount(1);
    await expect(variable).toHaveText(/^measurements DataFrame [0-9a-f]{8}$/);

    // The derive cell changed `measurements` in place and wrote no file.
    const derive = rows.nth(1);
    await expect(derive).toContainText('[3]');
    await expect(derive.getByTestId('repro-variable')).toHaveText(
      /^measurements DataFrame [0-9a-f]{8}$/
    );
    await expect(rows.last()).toContainText('pd module');

    // The derive cell is stale, the others have no badge.
    const cells = page.locator('.jp-Notebook .jp-Cell');
    const badge = cells.nth(CELL.derive).locator('.jp-Repro-CellBadge');
    await expect(badge).toHaveClass(/jp-Repro-CellBadge-stale/);
    await expect(badge).toHaveAttribute('title', /measurements/);
    await expect(page.locator('.jp-Repro-CellBadge')).toHaveCount(1);
    await expect(panel.getByTestId('repro-error')).toHaveCount(0);
    await keepScreenshot(panel, 'timeline-stale');
    await badge.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: test.info().outputPath('notebook-stale-badge.png')
    });

    // Re-running the derive cell makes it current again: the badge goes.
    await runCells(page, [CELL.derive]);
    await expect(panel.getByTestId('repro-total')).toHaveText('5 executions');
    await expect(page.locator('.jp-Repro-CellBadge')).toHaveCount(0);
  });

  test('marks a cell that ran before the cell above it as out of order', async ({
    page
  }) => {
    const panel = await openLineage(page);
    // The load cell uses `pd`; the imports cell above it sets `pd` again after it ran.
    await runCells(page, [CELL.imports, CELL.load, CELL.imports]);
    await expect(panel.getByTestId('repro-total')).toHaveText('3 executions');
    const badge = page
      .locator('.jp-Notebook .jp-Cell')
      .nth(CELL.load)
      .locator('.jp-Repro-CellBadge');
    await expect(badge).toHaveClass(/jp-Repro-CellBadge-out-of-order/);
    await expect(badge).toHaveAttribute('title', /pd/);
    await expect(page.locator('.jp-Repro-CellBadge')).toHaveCount(1);
  });

  test('filters by cell and shows the cell of an entry in the notebook', async ({
    page
  }) => {
    const panel = await openLineage(page);
    await runCells(page, [
      CELL.imports,
      CELL.load,
      CELL.derive,
      CELL.summary,
      CELL.load
    ]);
    await expect(panel.getByTestId('repro-total')).toHaveText('5 executions');

    // The summary cell wrote a file.
    const summary = executions(panel).nth(1);
    await expect(summary).toContainText('data/summary.csv');

    // Filter on the load cell: its two runs only.
    await panel
      .getByRole('combobox', { name: 'Filter executions by cell' })
      .selectOption({ label: 'Cell 4' });
    await expect(panel.getByTestId('repro-total')).toHaveText('2 executions');
    await expect(executions(panel)).toHaveCount(2);
    await panel
      .getByRole('button', { name: 'Show every cell' })
      .first()
      .click();
    await expect(panel.getByTestId('repro-total')).toHaveText('5 executions');

    // Clicking an entry activates, scrolls to and highlights its cell.
    await executions(panel)
      .nth(2)
      .getByRole('button', { name: /\[3\]/ })
      .click();
    const derive = page.locator('.jp-Notebook .jp-Cell').nth(CELL.derive);
    await expect(derive).toHaveClass(/jp-Repro-CellHighlight/);
    await expect(derive).toHaveClass(/jp-mod-active/);
    await expect(derive).toBeInViewport();
    await keepScreenshot(panel, 'timeline-highlight');
    await expect(derive).not.toHaveClass(/jp-Repro-CellHighlight/, {
      timeout: 5000
    });
  });

  test('shows the environment of the session', async ({ page }) => {
    const panel = await openLineage(page);
    await runCells(page, [CELL.imports]);
    await expect(panel.getByTestId('repro-total')).toHaveText('1 execution');
    await panel.getByText('Environment', { exact: true }).click();
    const environment = panel.getByTestId('repro-environment');
    await expect(environment).toContainText(/Python\s*CPython 3\./);
    await expect(environment).toContainText('repro-python3');
    await panel
      .getByRole('searchbox', { name: 'Search packages' })
      .fill('pandas');
    await expect(
      environment.locator('li', { hasText: /^pandas / })
    ).toHaveCount(1);
    await keepScreenshot(panel, 'environment');
  });
});
