/**
 * Shared steps of the Lineage ui-tests: the demo notebook, the panel, running cells.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'demo', 'demo.ipynb');
const DATA = path.join(ROOT, 'demo', 'data', 'measurements.csv');

/** Cell indices of demo/demo.ipynb (markdown cells sit between them). */
export const CELL = { imports: 1, load: 3, derive: 5, summary: 7 };

/** The notebook-level fields of a notebook for the "Python 3 (repro)" kernel. */
export const REPRO_NOTEBOOK = {
  metadata: {
    kernelspec: {
      display_name: 'Python 3 (repro)',
      language: 'python',
      name: 'repro-python3'
    },
    language_info: { name: 'python' }
  },
  nbformat: 4,
  nbformat_minor: 5
};

/** A notebook for the repro kernel made of code cells, each given by its id and source lines. */
export function codeNotebook(
  cells: { id: string; source: string[] }[]
): Record<string, unknown> {
  return {
    cells: cells.map(({ id, source }) => ({
      cell_type: 'code',
      execution_count: null,
      id,
      metadata: {},
      outputs: [],
      source
    })),
    ...REPRO_NOTEBOOK
  };
}

/** Upload the demo notebook and its data into the test's folder. */
export async function uploadDemo(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await page.contents.uploadFile(DEMO, `${tmpPath}/demo.ipynb`);
  await page.contents.uploadFile(DATA, `${tmpPath}/data/measurements.csv`);
}

/** Open the demo notebook (its kernel is "Python 3 (repro)") and wait for the kernel. */
export async function openDemo(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await openNotebook(page, tmpPath, 'demo.ipynb');
}

/**
 * Open the notebook `name` of the test's folder (first written there from `content`, when
 * given) and wait for its "Python 3 (repro)" kernel.
 */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  content?: object
): Promise<void> {
  if (content) {
    await page.contents.uploadContent(
      JSON.stringify(content),
      'text',
      `${tmpPath}/${name}`
    );
  }
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
  await expect(
    page.getByRole('button', { name: 'Python 3 (repro) | Idle' })
  ).toBeVisible({ timeout: 60000 });
}

/** Show the Lineage sidebar and return it. */
export async function openLineage(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  const panel = page.getByRole('region', { name: 'Lineage' });
  if (!(await panel.isVisible())) {
    await page.getByRole('tab', { name: 'Lineage' }).click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

/** Run the cells at `indices`, in that order, each to completion. */
export async function runCells(
  page: IJupyterLabPageFixture,
  indices: number[]
): Promise<void> {
  for (const index of indices) {
    expect(await page.notebook.runCell(index)).toBe(true);
  }
}

/** The timeline's entries shown now. */
export function executions(panel: Locator): Locator {
  return panel.getByTestId('repro-execution');
}

/** Keep a screenshot of the panel with the test's artifacts. */
export async function keepScreenshot(
  panel: Locator,
  name: string
): Promise<void> {
  await panel.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

/** The tab of the main area titled `title`. */
export function mainTab(page: IJupyterLabPageFixture, title: RegExp): Locator {
  return page.locator('#jp-main-dock-panel .lm-TabBar-tab', {
    hasText: title
  });
}
