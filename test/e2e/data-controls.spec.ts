// The data sliders, the optimiser controls, Compare optimisers and Draw your data, in the web build.
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { choosePreset, currentLoss, openLab, pageErrors, regionPixelCounts, state } from './lab';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

async function download(page: Page, button: string): Promise<string> {
  const d = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  return readFile((await (await d).path())!, 'utf8');
}

async function trainToEnd(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('completed');
}

test('samples, noise and test ratio are recorded in the experiment: saved lab and numpy export carry them', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'circles');
  await page.getByLabel('Samples', { exact: true }).fill('120');
  await page.getByLabel('Noise', { exact: true }).fill('0.2');
  // The slider writes the text field.
  await page.getByLabel('Test ratio slider').fill('0.3');
  await expect(page.getByLabel('Test ratio', { exact: true })).toHaveValue('0.3');
  // A bad value gets the core's message beside its own control, and Train waits for a fix.
  await page.getByLabel('Noise', { exact: true }).fill('-1');
  await expect(page.getByLabel('Noise', { exact: true })).toHaveAccessibleDescription('must be a number ≥ 0');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled();
  await page.getByLabel('Noise', { exact: true }).fill('0.2');
  await page.getByLabel('Steps', { exact: true }).fill('50');
  await trainToEnd(page);

  const lab = JSON.parse(await download(page, 'Save lab')) as { draft: Record<string, unknown>; runs: { run: { experiment: Record<string, unknown> } }[] };
  expect(lab.draft).toMatchObject({ samples: '120', noise: '0.2', testRatio: '0.3' });
  expect(lab.runs[0]!.run.experiment).toMatchObject({ data: { kind: 'circles', samples: 120, noise: 0.2, classes: 2 }, testFraction: 0.3 });
  const py = await download(page, 'Export numpy');
  expect(py).toContain('n, k, noise = 120, 2, 0.2');
  expect(py).toContain('n_train = 84');

  // Reopened, the sliders read back what was saved.
  await page.reload();
  await page.getByLabel('Open lab file').setInputFiles({ name: 'lab.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(lab)) });
  await expect(page.getByLabel('Samples', { exact: true })).toHaveValue('120');
  await expect(page.getByLabel('Test ratio', { exact: true })).toHaveValue('0.3');
});

test('Adam trains: its settings show only when chosen, and its loss is not SGD’s', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'optimizers-sgd');
  await page.getByLabel('Steps', { exact: true }).fill('300');
  await trainToEnd(page);
  const sgd = await currentLoss(page);

  await expect(page.getByLabel('Beta1')).toHaveCount(0);
  await page.getByLabel('Optimiser', { exact: true }).selectOption({ label: 'Adam' });
  await expect(page.getByLabel('Beta1')).toHaveValue('0.9');
  await expect(page.getByLabel('Beta2')).toHaveValue('0.999');
  await expect(page.getByRole('checkbox', { name: 'Bias correction' })).toBeChecked();
  await expect(page.getByLabel('Momentum', { exact: true })).toHaveCount(0);
  await page.getByLabel('Learning rate', { exact: true }).fill('0.01');
  await trainToEnd(page);
  const adam = await currentLoss(page);
  // The trainer got Adam: the run's experiment says so, and its loss fell to another value than SGD's.
  const lab = JSON.parse(await download(page, 'Save lab')) as { runs: { run: { experiment: { optimizer?: { kind: string } }; losses: (number | string)[] } }[] };
  const run = lab.runs.at(-1)!.run;
  expect(run.experiment.optimizer).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection: true });
  expect(adam).toBeLessThan(Number(run.losses[0]) / 2);
  expect(adam).not.toBe(sgd);

  // A schedule's settings appear with it, and a bad one is named beside its field.
  await page.getByLabel('Learning-rate schedule').selectOption({ label: 'Step' });
  await page.getByLabel('Factor', { exact: true }).fill('2');
  await expect(page.getByLabel('Factor', { exact: true })).toHaveAccessibleDescription('must be a number above 0 and at most 1');
});

test('Compare optimisers trains one labelled run per optimiser in lockstep', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'optimizers-sgd');
  await page.getByLabel('Steps', { exact: true }).fill('200');
  await page.getByLabel('Learning rate', { exact: true }).fill('0.01');
  await page.getByRole('button', { name: 'Compare optimisers' }).click();
  const labels = ['SGD', 'Momentum', 'Nesterov', 'RMSProp', 'Adam'].map((n) => `Compare 1 · ${n} · lr 0.01`);
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  await expect(table.getByRole('rowheader')).toHaveText(labels);
  for (let i = 1; i <= 5; i++) await expect(table.getByRole('row').nth(i)).toContainText('completed', { timeout: 60_000 });
  // One colour per optimiser in the legend.
  const swatches = page.getByRole('region', { name: 'Runs', exact: true }).locator('.run-list .swatch');
  const colours = await swatches.evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  expect(new Set(colours).size).toBe(5);
});

test('draw points of two classes, train, and the map shows both class regions', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Draw data' }).click();
  await page.getByRole('button', { name: 'Clear' }).click();
  const map = page.locator('canvas.decision-map');
  const box = (await map.boundingBox())!;
  const at = (fx: number, fy: number) => page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
  await page.getByRole('radio', { name: 'Class 0' }).check();
  for (const [fx, fy] of [[0.15, 0.2], [0.2, 0.5], [0.15, 0.8], [0.3, 0.35], [0.3, 0.65]] as const) await at(fx, fy);
  await page.getByRole('radio', { name: 'Class 1' }).check();
  for (const [fx, fy] of [[0.85, 0.2], [0.8, 0.5], [0.85, 0.8], [0.7, 0.35], [0.7, 0.65], [0.5, 0.5]] as const) await at(fx, fy);
  await expect(page.getByRole('group', { name: 'Draw data' })).toContainText('11 points');
  // A drag erases the points it passes over.
  await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.45 * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.55 * box.height, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByRole('group', { name: 'Draw data' })).toContainText('10 points');
  await expect(page.getByLabel('Dataset')).toHaveValue('inline');

  await page.getByLabel('Test ratio', { exact: true }).fill('0');
  await trainToEnd(page);
  await expect(map).toHaveAttribute('data-has-grid', 'true');
  const counts = await regionPixelCounts(page);
  const total = counts.reduce((a, b) => a + b, 0);
  expect(counts[0]! / total).toBeGreaterThan(0.2);
  expect(counts[1]! / total).toBeGreaterThan(0.2);

  // The drawing is the experiment's inline data.
  const lab = JSON.parse(await download(page, 'Save lab')) as { runs: { run: { experiment: { data: { kind: string; x: number[][]; y: number[][] } } } }[] };
  const data = lab.runs.at(-1)!.run.experiment.data;
  expect(data.kind).toBe('inline');
  expect(data.x).toHaveLength(10);
  expect(data.y.filter((r) => r[0] === 1)).toHaveLength(5);
  expect(data.y.filter((r) => r[1] === 1)).toHaveLength(5);
});

test('the keyboard draws too: typed coordinates add a point of the chosen class, or erase around it', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Draw data' }).click();
  await page.getByRole('button', { name: 'Clear' }).click();
  const tools = page.getByRole('group', { name: 'Draw data' });
  const entry = page.getByRole('form', { name: 'Point by coordinates' });
  await page.getByRole('radio', { name: 'Class 1' }).check();
  await entry.getByLabel('x₁').fill('0.5');
  await entry.getByLabel('x₂').fill('-0.25');
  await entry.getByLabel('x₂').press('Enter');
  await page.getByRole('radio', { name: 'Class 0' }).check();
  await entry.getByLabel('x₁').fill('-1');
  await entry.getByRole('button', { name: 'Add class 0 point' }).click();
  await expect(tools).toContainText('2 points');
  await entry.getByLabel('x₂').fill('two');
  await entry.getByLabel('x₂').press('Enter');
  await expect(entry.getByRole('alert')).toHaveText('x₂: type a number');
  await expect(tools).toContainText('2 points');
  // Erase clears around the typed point, as the pointer's tool does: a point 0.02 away goes.
  await page.getByRole('radio', { name: 'Erase' }).check();
  await entry.getByLabel('x₁').fill('-0.98');
  await entry.getByLabel('x₂').fill('-0.25');
  await entry.getByRole('button', { name: 'Erase there' }).click();
  await expect(tools).toContainText('1 point');

  const lab = JSON.parse(await download(page, 'Save lab')) as { draft: { base: { data: { x: number[][]; y: number[][] } } } };
  expect(lab.draft.base.data.x).toEqual([[0.5, -0.25]]);
  expect(lab.draft.base.data.y).toEqual([[0, 1]]);
});

test('axe finds no serious issue with the new controls and the drawing tools open', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByLabel('Optimiser', { exact: true }).selectOption({ label: 'Adam' });
  await page.getByLabel('Learning-rate schedule').selectOption({ label: 'Cosine' });
  await page.getByLabel('Samples', { exact: true }).fill('x');
  await page.getByRole('button', { name: 'Draw data' }).click();
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
});
