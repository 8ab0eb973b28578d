/**
 * The views that carry the init lesson, end to end in the web build: the step-scheduled history keeps a
 * fast run's first steps, every run of a compare group is inspectable, a dead net is told, and a saved
 * lab reopens with its runs and charts, and so does a finished run kept in the browser's IndexedDB.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { choosePreset, openLab, pageErrors, state, stepCount } from './lab';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

/** Opens a view's data table and returns its [Run, Step] cells per row. */
async function dataRows(page: Page, view: string, table: string): Promise<{ run: string; step: number }[]> {
  const fig = page.getByRole('figure', { name: view });
  const button = fig.getByRole('button', { name: 'Data', exact: true });
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  const t = fig.getByRole('table', { name: table });
  await expect(t).toBeVisible();
  return t.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const c = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
      return { run: c[0]!, step: Number(c[1]) };
    }),
  );
}

/** Lines drawn in a chart (polled by the tests: charts draw on the UI's clock, after the data is in). */
async function seriesPaths(fig: Locator): Promise<number> {
  return fig.locator('path.recharts-curve').evaluateAll((ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 10).length);
}

test('a 500-step quadrant run at Flat out keeps steps 0–10 in Gradient flow data', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'seed-004-quadrants');
  await expect(page.getByLabel('Speed')).toHaveValue('0');
  await page.getByLabel('Steps', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('completed');

  const rows = await dataRows(page, 'Gradient flow', 'Gradient flow data');
  const steps = rows.map((r) => r.step);
  for (let s = 0; s <= 10; s++) expect(steps).toContain(s);
  expect(steps).toContain(499);
  expect(new Set(rows.map((r) => r.run)).size).toBe(1);
  // The table has the columns a teacher copies: run, step, each layer's norm.
  const head = page.getByRole('table', { name: 'Gradient flow data' }).getByRole('columnheader');
  await expect(head.first()).toHaveText('Run');
  await expect(head.nth(1)).toHaveText('Step');
  await expect(head.nth(2)).toHaveText('Layer 1 gradient norm');
  // Drawn, not just listed: one line per layer.
  await expect.poll(() => seriesPaths(page.getByRole('figure', { name: 'Gradient flow' }))).toBeGreaterThanOrEqual(2);

  // The other views list their numbers the same way.
  expect((await dataRows(page, 'Loss chart', 'Loss data')).map((r) => r.step).slice(0, 11)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  // Histograms on the sparser histogram schedule (core/history.ts): 15 of the 95 entries of 500 steps.
  const histSteps = (await dataRows(page, 'Weight histograms', 'Weight histograms data')).map((r) => r.step);
  expect(histSteps).toEqual([0, 1, 2, 3, 5, 10, 19, 42, 98, 100, 200, 237, 300, 400, 499]);
  for (const s of histSteps) expect(steps).toContain(s);
  await page.getByRole('figure', { name: 'Predictions' }).getByRole('button', { name: 'Data', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Predictions data' }).locator('tbody tr').first()).toBeVisible();
});

test('after Compare init schemes every scheme has rows in every view, in lockstep, with its own label', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'init-standard-normal');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  for (let i = 1; i <= 3; i++) await expect(table.getByRole('row').nth(i)).toContainText(/completed|diverged/, { timeout: 90_000 });
  const labels = await table.getByRole('rowheader').allInnerTexts();
  expect(labels).toEqual([expect.stringMatching(/^Compare 1 · Standard normal · lr /), expect.stringMatching(/^Compare 1 · Xavier · lr /), expect.stringMatching(/^Compare 1 · He · lr /)]);

  const rows = await dataRows(page, 'Gradient flow', 'Gradient flow data');
  for (const label of labels) {
    const steps = rows.filter((r) => r.run === label).map((r) => r.step);
    // A run that diverged early has every step up to its end; the others every step 0–10.
    const last = Math.max(...steps);
    expect(steps.length, label).toBeGreaterThan(Math.min(10, last));
    for (let s = 0; s <= Math.min(10, last); s++) expect(steps, label).toContain(s);
  }
  // Small multiples: a gradient panel per scheme.
  await expect(page.getByRole('figure', { name: 'Gradient flow' }).locator('.multiple')).toHaveCount(3);
  const hist = await dataRows(page, 'Weight histograms', 'Weight histograms data');
  for (const label of labels) expect(hist.some((r) => r.run === label)).toBe(true);
  const loss = await dataRows(page, 'Loss chart', 'Loss data');
  for (const label of labels) expect(loss.some((r) => r.run === label)).toBe(true);

  // Predictions can follow any run of the group.
  const focus = page.getByRole('group', { name: 'Run shown in Predictions' });
  await focus.getByRole('button', { name: labels[0] }).click();
  await expect(focus.getByRole('button', { name: labels[0] })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('figure', { name: 'Predictions' }).locator('figcaption')).toContainText(labels[0]!);

  // A second compare does not repeat the first one's labels.
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  const runList = page.locator('.run-list li label');
  await expect(runList).toHaveCount(6);
  const all = (await runList.allInnerTexts()).map((t) => t.replace(/^\s*Show /, '').trim());
  expect(new Set(all).size).toBe(6);
  expect(all.slice(3).every((l) => l.startsWith('Compare 2 · '))).toBe(true);
  // The new group is the one shown and compared.
  await expect(table.getByRole('rowheader')).toHaveText(all.slice(3));

  // Paused mid-run, the group stands at equal steps.
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  // The chunk in flight ends first, then every run of the group stands still.
  await expect.poll(() => table.locator('tbody tr').evaluateAll((trs) => trs.some((tr) => tr.textContent?.includes('training')))).toBe(false);
  const stepsCol = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[1]!.textContent ?? ''));
  const states = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[0]!.textContent ?? ''));
  const liveSteps = stepsCol.filter((_, i) => states[i] !== 'diverged');
  expect(new Set(liveSteps).size).toBe(1);
});

test('activation distributions print what each init scheme predicts for the layer, and mark it', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'init-standard-normal');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBe(1);
  const fig = page.getByRole('figure', { name: 'Weight histograms' });
  await fig.getByLabel('Histogram values').selectOption('activations');
  await fig.getByLabel('Histogram layer').selectOption('5'); // layer 6, the last hidden relu layer
  const line = fig.getByTestId('activation-prediction');
  await expect(line).toContainText(/predicted at step 0 \(variance propagated from E\[x²\] = [0-9.e+-]+, wide-layer limit\): standard normal [0-9.e+-]+, Xavier [0-9.e+-]+, He [0-9.e+-]+/);
  const n = async (attr: string) => Number(await line.getAttribute(`data-${attr}`));
  // Standard normal weights blow six relu layers of 64 up (×√32 ≈ 5.7 a layer); He keeps the input's scale, Xavier a little under it.
  expect(await n('standard-normal')).toBeGreaterThan(1000 * (await n('he')));
  expect(await n('he')).toBeGreaterThan(await n('xavier'));
  // This run is standard normal: its measured step-0 std is on that prediction's scale, not Xavier's
  // (64 units a layer are far from the wide-layer limit: a factor of 2 either way).
  await expect.poll(() => n('measured'), { timeout: 30_000 }).toBeGreaterThan(0); // step 0's entry has arrived
  const measured = await n('measured');
  expect(measured / (await n('standard-normal'))).toBeGreaterThan(0.5);
  expect(measured / (await n('standard-normal'))).toBeLessThan(2);
  // Weights get the init stds, not the activation prediction.
  await fig.getByLabel('Histogram values').selectOption('weights');
  await expect(fig.getByTestId('activation-prediction')).toHaveCount(0);
});

test('a net that dies gets a banner saying what to try', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'circles');
  await page.getByLabel('Learning rate', { exact: true }).fill('50');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'The network died' });
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(banner).toContainText(/every ReLU unit in layer \d/);
  await expect(banner).toContainText(/smaller learning rate/);
  // The gradient chart draws the dead layers on the floor band instead of leaving a gap.
  const rows = await dataRows(page, 'Gradient flow', 'Gradient flow data');
  expect(rows.length).toBeGreaterThan(10);
  await expect(page.getByRole('table', { name: 'Gradient flow data' })).toContainText('0 (dead)');
});

test('reopening a saved lab shows its runs, charts and data', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'init-xavier');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  for (let i = 1; i <= 3; i++) await expect(table.getByRole('row').nth(i)).toContainText(/completed|diverged/, { timeout: 90_000 });
  const labels = await table.getByRole('rowheader').allInnerTexts();
  const before = await dataRows(page, 'Gradient flow', 'Gradient flow data');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save lab' }).click();
  const text = await readFile((await (await download).path())!, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ format: 'nnlab-lab', version: 2 });

  await page.reload();
  await expect(page.getByRole('table', { name: 'Comparison of shown runs' })).toHaveCount(0);
  await page.getByLabel('Open lab file').setInputFiles({ name: 'lab.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(table.getByRole('rowheader')).toHaveText(labels);
  const after = await dataRows(page, 'Gradient flow', 'Gradient flow data');
  expect(after).toEqual(before);
  expect((await dataRows(page, 'Loss chart', 'Loss data')).length).toBeGreaterThan(0);
  expect((await dataRows(page, 'Weight histograms', 'Weight histograms data')).length).toBeGreaterThan(0);
  await expect.poll(() => seriesPaths(page.getByRole('figure', { name: 'Loss chart' }))).toBeGreaterThanOrEqual(3);
  await expect.poll(() => seriesPaths(page.getByRole('figure', { name: 'Gradient flow' }))).toBeGreaterThanOrEqual(3);
  await expect(page.getByRole('figure', { name: 'Weight histograms' }).getByRole('img')).toHaveCount(3);

  // A reopened run exports as CSV with its per-layer history columns.
  const csv = page.waitForEvent('download');
  await page.getByRole('button', { name: `Export ${labels[1]} as CSV` }).click();
  const body = await readFile((await (await csv).path())!, 'utf8');
  expect(body.split('\n')[0]).toMatch(/^step,loss,test_loss,layer1_weightStd,layer1_gradNorm/);
});

test('the web build keeps a finished run in IndexedDB: after a reload it is listed and opens with its views', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('completed');
  const runs = page.getByRole('region', { name: 'Runs', exact: true });
  await expect(runs.getByRole('listitem').first()).toContainText('saved');
  const label = (await page.getByRole('table', { name: 'Comparison of shown runs' }).getByRole('rowheader').first().innerText()).trim();
  const flow = await dataRows(page, 'Gradient flow', 'Gradient flow data');
  await dataRows(page, 'Loss chart', 'Loss data');
  const losses = await page.getByRole('table', { name: 'Loss data' }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
  expect(flow.length).toBeGreaterThan(11);
  const hist = await dataRows(page, 'Weight histograms', 'Weight histograms data');
  expect(hist.length).toBeGreaterThan(0);

  await page.reload();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  // Nothing in the lab after a reload, but the library still has the run.
  await expect(page.getByRole('table', { name: 'Comparison of shown runs' })).toHaveCount(0);
  const library = page.getByRole('region', { name: 'Saved runs' });
  const entry = library.getByRole('button', { name: new RegExp(`^Compare saved run ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(completed, `) });
  await expect(entry).toHaveCount(1);
  await entry.click();
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  await expect(table.getByRole('rowheader')).toHaveText([`Saved · ${label}`]);
  await expect(table.getByRole('row').nth(1)).toContainText('completed');

  // Its views: the same recorded steps and the same losses as before the reload.
  const reopened = await dataRows(page, 'Gradient flow', 'Gradient flow data');
  expect(reopened.map((r) => r.step)).toEqual(flow.map((r) => r.step));
  expect(new Set(reopened.map((r) => r.run))).toEqual(new Set([`Saved · ${label}`]));
  await dataRows(page, 'Loss chart', 'Loss data');
  expect(await page.getByRole('table', { name: 'Loss data' }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)))).toEqual(losses);
  expect((await dataRows(page, 'Weight histograms', 'Weight histograms data')).map((r) => r.step)).toEqual(hist.map((r) => r.step));
  await expect.poll(() => seriesPaths(page.getByRole('figure', { name: 'Loss chart' }))).toBeGreaterThanOrEqual(1);
  await expect.poll(() => seriesPaths(page.getByRole('figure', { name: 'Gradient flow' }))).toBeGreaterThanOrEqual(2);
  await expect(page.getByRole('figure', { name: 'Weight histograms' }).getByRole('img')).toHaveCount(1);
});

test('the new views pass the accessibility scan with their data tables open', async ({ page }) => {
  // axe checks every cell of four open data tables and the charts' SVG: minutes on a loaded two-core machine.
  test.setTimeout(300_000);
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  for (let i = 1; i <= 3; i++) await expect(table.getByRole('row').nth(i)).toContainText(/completed|diverged/, { timeout: 90_000 });
  for (const [view, name] of [
    ['Gradient flow', 'Gradient flow data'],
    ['Weight histograms', 'Weight histograms data'],
    ['Loss chart', 'Loss data'],
    ['Predictions', 'Predictions data'],
  ] as const) {
    await page.getByRole('figure', { name: view }).getByRole('button', { name: 'Data', exact: true }).click();
    await expect(page.getByRole('table', { name })).toBeVisible();
  }
  await page.getByLabel('Histogram mode').selectOption('overlay');
  await page.getByLabel('Histogram values').selectOption('activations');
  await page.getByRole('checkbox', { name: 'Log steps' }).check();
  const r = await new AxeBuilder({ page }).include('.views').analyze();
  expect(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
