import { expect, test } from '@jupyterlab/galata';
import { Page } from '@playwright/test';

import { openDemo, openLineage, uploadDemo } from './helpers';

const PLUGIN = 'jupyter-repro:plugin';

/** Change one of the extension's settings through JupyterLab's setting registry. */
async function setSetting(page: Page, key: string, value: unknown) {
  await page.evaluate(
    async ({ plugin, key, value }) => {
      const registry = await (window as any).galata.getPlugin(
        '@jupyterlab/apputils-extension:settings'
      );
      await registry.set(plugin, key, value);
    },
    { plugin: PLUGIN, key, value }
  );
}

test('recorder settings are stored by the server; the panel side follows its setting', async ({
  page,
  tmpPath
}) => {
  await uploadDemo(page, tmpPath);
  await openDemo(page, tmpPath);
  const notebook = `${tmpPath}/demo.ipynb`;

  const put = page.waitForRequest(
    request =>
      request.method() === 'PUT' &&
      request.url().includes('/jupyter-repro/settings')
  );
  await setSetting(page, 'skipVariables', ['secret_*']);
  expect((await put).postDataJSON()).toEqual({
    path: notebook,
    skip: ['secret_*']
  });
  await setSetting(page, 'hashBudgetMB', 64);

  await expect
    .poll(async () => {
      const reply = await page.request.get(
        `/jupyter-repro/settings?path=${encodeURIComponent(notebook)}`
      );
      return reply.json();
    })
    .toMatchObject({ skip: ['secret_*'], budget_mb: 64 });

  // The panel sits on the right by default, and moves to the left when asked.
  await expect(
    page.locator('#jp-right-stack #jupyter-repro-lineage')
  ).toBeAttached();
  await setSetting(page, 'panelSide', 'left');
  await expect(
    page.locator('#jp-left-stack #jupyter-repro-lineage')
  ).toBeAttached();
  const panel = await openLineage(page);
  await expect(panel.getByTestId('repro-notebook-path')).toHaveText(notebook);
  await expect(panel.getByTestId('repro-error')).toHaveCount(0);
});
