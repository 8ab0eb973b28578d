/** Your own data in the web build: import a CSV through the file input, pick columns, train, see the map. */
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { currentLoss, openLab, pageErrors, state, stepCount } from './lab';
import { CLASS_COLORS, hexRgb } from '../../renderer/src/palette';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

/** Canvas pixels of exactly each class colour: the points' fills (regions are lighter tints). */
async function pointPixels(page: Page, classes: number): Promise<number[]> {
  const colors = CLASS_COLORS.slice(0, classes).map(hexRgb);
  return page.locator('canvas.decision-map').evaluate((el, cs) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const counts = cs.map(() => 0);
    for (let i = 0; i < d.length; i += 4) {
      const k = cs.findIndex((t) => d[i] === t[0] && d[i + 1] === t[1] && d[i + 2] === t[2]);
      if (k >= 0) counts[k]!++;
    }
    return counts;
  }, colors);
}

test('import an Excel CSV (BOM, CRLF, semicolons, quotes), pick columns, train, see its points on the map', async ({ page }) => {
  await openLab(page);
  await page.getByLabel('CSV file').setInputFiles(fixture('penguins-excel.csv'));
  const preview = page.getByRole('region', { name: 'Your own data' });
  await expect(preview).toContainText('penguins-excel.csv: 60 rows, 5 columns, separated by “;”.');
  const table = preview.getByRole('table', { name: 'First 8 rows' });
  await expect(table.getByRole('columnheader')).toHaveText(['island', 'bill length', 'bill depth', 'species', 'note']);
  await expect(table.getByRole('row')).toHaveCount(9);

  await preview.getByLabel('Target column').selectOption('species');
  await expect(preview.getByLabel('Target is')).toHaveValue('classes');
  const features = preview.getByRole('group', { name: 'Feature columns' });
  await expect(features.getByRole('checkbox', { name: 'bill length' })).toBeChecked();
  await expect(features.getByRole('checkbox', { name: 'bill depth' })).toBeChecked();
  await expect(features.getByRole('checkbox', { name: /^island/ })).not.toBeChecked();
  await expect(preview.getByRole('checkbox', { name: /Standardise features/ })).toBeChecked();
  await preview.getByRole('button', { name: 'Use this data' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('Using penguins-excel.csv: 60 rows, 2 features → 3 classes (Adelie, Gentoo, Chinstrap).');

  // The output layer follows the three classes; the map shows the imported points before any training.
  await expect(page.getByRole('alert')).toHaveCount(0);
  const map = page.locator('canvas.decision-map');
  await expect(map).toHaveAttribute('aria-label', /^Decision regions for 3 classes/);
  await expect.poll(async () => Math.min(...(await pointPixels(page, 3)))).toBeGreaterThan(50);

  await page.getByLabel('Learning rate', { exact: true }).fill('0.1');
  await page.getByLabel('Steps', { exact: true }).fill('300');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(1);
  const first = await currentLoss(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('completed');
  expect(await currentLoss(page)).toBeLessThan(first / 2);
  await expect(map).toHaveAttribute('data-has-grid', 'true');
  // Standardised with the training rows: the points span about ±2 on both axes.
  const label = (await map.getAttribute('aria-label'))!;
  const [x0, x1, y0, y1] = [...label.matchAll(/from (−?-?[0-9.]+) to (−?-?[0-9.]+)/g)].flatMap((m) => [m[1], m[2]]).map((s) => Number(s!.replace('−', '-')));
  for (const v of [x0!, y0!]) expect(v).toBeLessThan(-1);
  for (const v of [x1!, y1!]) expect(v).toBeGreaterThan(1);
  for (const v of [x0!, x1!, y0!, y1!]) expect(Math.abs(v)).toBeLessThan(5);
  expect(Math.min(...(await pointPixels(page, 3)))).toBeGreaterThan(50);
});

test('a bad file shows one message naming the line and the column, and leaves the experiment as it was', async ({ page }) => {
  await openLab(page);
  const before = await page.getByLabel('Preset', { exact: true }).inputValue();
  await page.getByLabel('CSV file').setInputFiles(fixture('bad-not-a-number.csv'));
  const region = page.getByRole('region', { name: 'Your own data' });
  await expect(region).toContainText('bad-not-a-number.csv: 4 rows, 3 columns');
  // Column b has a word in it, so it is not offered as a feature by default; asking for it anyway is refused.
  const b = region.getByRole('group', { name: 'Feature columns' }).getByRole('checkbox', { name: /^b/ });
  await expect(b).not.toBeChecked();
  await b.check();
  await region.getByRole('button', { name: 'Use this data' }).click();
  await expect(region.getByRole('alert')).toHaveText('bad-not-a-number.csv: line 4, column "b" (2): "abc" is not a number');
  await expect(page.getByLabel('Preset', { exact: true })).toHaveValue(before);

  await page.getByLabel('CSV file').setInputFiles(fixture('bad-ragged.csv'));
  await expect(region.getByRole('alert')).toHaveText(
    'bad-ragged.csv: line 4: has 2 fields but the header has 3 (column "label" (3) is missing; a separator inside a value needs quotes)',
  );
});
