/**
 * A small sweep in the web build: 2 learning rates × 2 init schemes on the Web Worker pool. The results
 * table and the loss-vs-learning-rate chart appear, and clicking a row replays that run in the lab to
 * the same final loss the sweep reported.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { currentLoss, openLab, pageErrors, state } from './lab';

test('a sweep runs on the worker pool; its table and chart appear; a row opens its run', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page);
  await page.getByLabel('Steps', { exact: true }).fill('200');
  const panel = page.getByRole('region', { name: 'Sweep' });
  await panel.getByLabel('learningRate values').fill('1e-6, 1e-5');
  await panel.getByLabel('init.weights values').fill('xavier, he');
  await panel.getByRole('button', { name: 'Run sweep' }).click();

  const table = page.getByRole('table', { name: 'Sweep results' });
  await expect(page.getByTestId('sweep-status')).toContainText('done · 4 of 4 runs ended', { timeout: 60_000 });
  await expect(table.locator('tbody tr')).toHaveCount(4);
  await expect(table.locator('tbody tr').first()).toContainText('converged');
  // The web build downloads the CSV (the desktop asks main: electron-host.spec.ts).
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export CSV' }).click();
  const { readFile } = await import('node:fs/promises');
  const csv = await readFile(await (await download).path(), 'utf8');
  expect((await download).suggestedFilename()).toBe('sweep-results.csv');
  expect(csv.split('\n')).toHaveLength(5);
  expect(csv.split('\n')[0]).toMatch(/^index,learningRate,init\.weights,status,stability,/);

  // One median line per init scheme, each with a point per learning rate; a band behind each.
  const chart = page.getByRole('figure', { name: 'Final loss vs learning rate' });
  await expect(chart.locator('.recharts-line')).toHaveCount(2);
  await expect(chart.locator('.recharts-line .recharts-dot, .recharts-line-dots circle')).toHaveCount(4);
  await expect(chart.locator('.recharts-area')).toHaveCount(2);
  await expect(chart.getByRole('list', { name: 'Legend' })).toContainText('Xavier');
  await expect(page.getByRole('region', { name: 'Stability map' }).getByRole('button', { name: /^learningRate .*, init.weights / })).toHaveCount(4);
  await expect(page.getByRole('figure', { name: 'Parallel coordinates' }).locator('polyline')).toHaveCount(4);

  // Sort by final loss, then open the run in the second row: it replays to the loss the sweep reported.
  await table.getByRole('button', { name: 'Final loss' }).click();
  const row = table.locator('tbody tr').nth(1);
  const index = await row.getAttribute('data-index');
  const expected = Number(await row.locator('td[data-value]').getAttribute('data-value'));
  await row.locator('td').first().click();
  await expect(page.getByRole('region', { name: 'Runs', exact: true })).toContainText(`Sweep #${index}`);
  await expect.poll(() => state(page), { timeout: 30_000 }).toBe('completed');
  expect(await currentLoss(page)).toBe(expected);

  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(pageErrors(page)).toEqual([]);
});

test('paired seeds: Compare init schemes with 3 seeds per scheme shows each scheme median and spread', async ({ page }) => {
  await openLab(page);
  await page.getByLabel('Steps', { exact: true }).fill('200');
  await page.getByLabel('Seeds per scheme (Compare)').fill('3');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  const panel = page.getByRole('region', { name: 'Paired seeds' });
  await expect(panel).toContainText('9 of 9 runs ended', { timeout: 60_000 });
  const table = panel.getByRole('table', { name: 'Final loss over seeds, per init scheme' });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  for (const scheme of ['Standard normal', 'Xavier', 'He']) {
    const row = table.getByRole('row', { name: new RegExp(`^${scheme}`) });
    await expect(row.locator('td').nth(0)).toHaveText('3');
    await expect(row.locator('td').nth(2)).toHaveText(/^\S+ – \S+$/);
  }
  expect(pageErrors(page)).toEqual([]);
});
