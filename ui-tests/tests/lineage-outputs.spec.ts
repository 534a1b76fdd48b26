import { expect, test } from '@jupyterlab/galata';

import {
  codeNotebook,
  executions,
  keepScreenshot,
  openLineage,
  openNotebook
} from './helpers';

/**
 * One cell that prints the clock and displays HTML: every run prints something else, so a
 * re-run changes its stdout (and only it), and so does the re-run of Verify.
 */
const NOTEBOOK = codeNotebook([
  {
    id: 'clock-cell',
    source: [
      'import time\n',
      'from IPython.display import HTML, display\n',
      'print(time.time_ns())\n',
      "display(HTML('<b>shown</b>'))"
    ]
  }
]);

test('lists outputs, flags the changed one, and Verify names the output mismatch', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'clock.ipynb', NOTEBOOK);
  const panel = await openLineage(page);
  const rows = executions(panel);

  await test.step('the panel lists each output with its kind and size', async () => {
    expect(await page.notebook.runCell(0)).toBe(true);
    await expect(panel.getByTestId('repro-total')).toHaveText('1 execution');
    const outputs = rows.first().getByTestId('repro-output');
    // A display lists each MIME type of its bundle, in the order the kernel sent them.
    await expect(outputs).toHaveText([
      /^stdout \d+ B$/,
      'display text/plain 34 B',
      'display text/html 12 B'
    ]);
    // The first run has no previous one to differ from.
    await expect(panel.getByTestId('repro-output-changed')).toHaveCount(0);
  });

  await test.step('a re-run printing something else flags stdout as changed', async () => {
    expect(await page.notebook.runCell(0)).toBe(true);
    await expect(panel.getByTestId('repro-total')).toHaveText('2 executions');
    const newest = rows.first();
    await expect(newest).toContainText('[2]');
    const stdout = newest.getByTestId('repro-output').first();
    await expect(stdout).toHaveText(/^stdout \d+ B changed$/);
    await expect(
      stdout.getByRole('img', {
        name: 'stdout changed since the previous run of cell 1 ([1])'
      })
    ).toHaveText('changed');
    // The HTML it displayed is the same: one badge only, and none on the older run.
    await expect(panel.getByTestId('repro-output-changed')).toHaveCount(1);
    await keepScreenshot(panel, 'outputs-changed');
  });

  await test.step("Verify's result lists the output that differs, with its cell", async () => {
    await panel.getByRole('button', { name: 'Verify', exact: true }).click();
    const result = panel.getByTestId('repro-verify-result');
    await expect(result).toContainText('Not reproduced', { timeout: 120000 });
    const differing = result.getByRole('region', {
      name: 'Outputs that differ'
    });
    await expect(differing).toContainText('1 of 3 recorded outputs differ');
    await expect(differing.getByTestId('repro-verify-output')).toHaveText([
      'cell 1: stdout (text/plain) differs'
    ]);
    await keepScreenshot(panel, 'verify-output-mismatch');
  });
});
