import { expect, test } from '@jupyterlab/galata';
import { Route } from '@playwright/test';

import { executions, keepScreenshot, openLineage, ROOT } from './helpers';
import * as path from 'path';

const TOTAL = 10000;

/** A synthetic execution, newest first: row `index` ran as execution TOTAL - index. */
function execution(index: number) {
  const count = TOTAL - index;
  return {
    id: count,
    session: 's',
    notebook: null,
    cell_id: `cell-${count % 7}`,
    execution_count: count,
    code: `x = ${count}`,
    code_hash: '',
    status: count % 10 === 0 ? 'error' : 'ok',
    error: null,
    started: '2026-01-01T00:00:00Z',
    ended: '2026-01-01T00:00:01Z',
    duration_ms: count,
    changed: {
      x: {
        hash: `xxh3:${count.toString(16).padStart(8, '0')}ffff`,
        type: 'int',
        summary: null,
        complete: true
      }
    },
    removed: [],
    unhashable: [],
    files_read: [],
    files_written: [],
    env: null,
    rng: {},
    // Every run of a cell prints something else than its run 7 rows below: "changed".
    outputs: [
      {
        index: 0,
        output_type: 'stream',
        mime: 'text/plain',
        name: 'stdout',
        size: count,
        hash: `xxh3:${count % 3}`
      }
    ]
  };
}

test('the timeline renders 10,000 executions a page at a time, virtualized', async ({
  page,
  tmpPath
}) => {
  const offsets: number[] = [];
  await page.route(/\/jupyter-repro\/lineage\?/, async (route: Route) => {
    const url = new URL(route.request().url());
    const offset = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    offsets.push(offset);
    const rows = [];
    for (let i = offset; i < Math.min(offset + limit, TOTAL); i++) {
      rows.push(execution(i));
    }
    await route.fulfill({
      json: {
        notebook: 'x',
        total: TOTAL,
        offset,
        limit,
        order: 'desc',
        executions: rows
      }
    });
  });
  await page.contents.uploadFile(
    path.join(ROOT, 'demo', 'demo.ipynb'),
    `${tmpPath}/demo.ipynb`
  );
  await page.notebook.openByPath(`${tmpPath}/demo.ipynb`);
  const panel = await openLineage(page);

  await expect(panel.getByTestId('repro-total')).toHaveText('10000 executions');
  await expect(executions(panel).first()).toContainText('[10000]');
  await expect(executions(panel).first()).toContainText('x int 00002710');
  await expect(
    executions(panel).first().getByTestId('repro-output')
  ).toHaveText('stdout 9.8 KB changed');
  // Each rendered row tells assistive tech its place in the whole list.
  const rows = panel.locator('.jp-Repro-VirtualList-row');
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');
  await expect(rows.first()).toHaveAttribute('aria-setsize', String(TOTAL));
  const rendered = await rows.count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(60);
  // Only the first page (asked again when the kernel started: a refresh).
  expect(new Set(offsets)).toEqual(new Set([0]));

  // Scroll to the end: only the last page is asked for, and the oldest entry shows.
  const list = panel.locator('.jp-Repro-VirtualList');
  await list.evaluate(node => (node.scrollTop = node.scrollHeight));
  await expect(panel.getByText('[1]', { exact: true })).toBeVisible();
  await expect(rows.last()).toHaveAttribute('aria-posinset', String(TOTAL));
  expect(new Set(offsets)).toEqual(new Set([0, 9900]));
  expect(await panel.locator('.jp-Repro-VirtualList-row').count()).toBeLessThan(
    60
  );

  // Smooth scrolling through the middle keeps few rows and fills them in.
  for (let i = 0; i < 20; i++) {
    await list.evaluate(node => (node.scrollTop -= 4000));
  }
  await expect(executions(panel).first()).not.toContainText('Loading');
  await keepScreenshot(panel, 'timeline-10000');
});
