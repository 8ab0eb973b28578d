import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { choosePreset, currentLoss, openLab, pageErrors, regionPixelCounts, state, stepCount } from './lab';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

test('a new user trains the quadrant preset, pauses, sees the loss fall and a 4-class map', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'seed-004-quadrants');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.00001');
  // Long enough that Pause has something to pause.
  await page.getByLabel('Steps', { exact: true }).fill('2000000');
  await page.getByLabel('Learning rate', { exact: true }).fill('1e-4');

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(1);
  const first = await currentLoss(page);
  expect(first).toBeGreaterThan(100); // standard-normal init on the seed's points starts far off

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page)).toBe('training');
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(20_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect.poll(() => state(page)).toBe('paused');

  const steps = await stepCount(page);
  await page.waitForTimeout(500);
  expect(await stepCount(page)).toBe(steps); // paused means paused
  const last = await currentLoss(page);
  expect(last).toBeLessThan(first / 100);

  const status = page.getByRole('status', { name: 'Training status' });
  await expect(status).toContainText('Step count');
  await expect(status).toContainText('Steps/s');

  const map = page.locator('canvas.decision-map');
  await expect(map).toHaveAttribute('data-has-grid', 'true');
  const counts = await regionPixelCounts(page);
  const total = (await map.evaluate((c) => (c as HTMLCanvasElement).width * (c as HTMLCanvasElement).height)) as number;
  expect(counts).toHaveLength(4);
  for (const c of counts) expect(c).toBeGreaterThan(total * 0.02);

  // The seed's test points are listed with a predicted class each.
  const table = page.getByRole('table', { name: 'Test points' });
  await expect(table.getByRole('row')).toHaveCount(5);
  await expect(table).toContainText('[111, -111]');
  for (let k = 0; k < 4; k++) await expect(page.getByTestId(`test-point-class-${k}`)).toHaveText(/^[0-3]$/);

  // Probe: click the centre of the top-right quadrant and read a prediction.
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width * 0.8, y: box.height * 0.2 } });
  await expect(page.getByTestId('probe')).toContainText(/class [0-3], scores/);

  for (const name of ['Loss chart', 'Weight histograms', 'Predictions', 'Gradient flow']) {
    await expect(page.getByRole('figure', { name })).toBeVisible();
  }
  await expect(page.getByRole('figure', { name: 'Gradient flow' })).toContainText(/gradient norms layer 1 [0-9]/);
});

test('Compare init schemes trains three labelled runs side by side', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'init-standard-normal');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();

  const legend = page.getByRole('figure', { name: 'Loss chart' }).getByRole('list', { name: 'Legend' });
  // Labels name the group, the scheme and the learning rate.
  const labels = [/^Compare 1 · Standard normal · lr 0\.05$/, /^Compare 1 · Xavier · lr 0\.05$/, /^Compare 1 · He · lr 0\.05$/];
  await expect(legend.getByRole('listitem')).toHaveText([...labels, 'faint: raw loss']);
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByRole('rowheader')).toHaveText(labels);
  // Standard normal on this deep relu net blows up (the preset's lesson); Xavier and He train to the end.
  const rows = table.getByRole('row');
  await expect(rows.nth(1)).toContainText(/completed|diverged/, { timeout: 60_000 });
  await expect(rows.nth(2)).toContainText('completed', { timeout: 60_000 });
  await expect(rows.nth(3)).toContainText('completed', { timeout: 60_000 });

  // Three raw loss lines (drawn first, faint) and three smoothed ones; the two that trained to the end keep
  // min and max of every 2-step bucket (300 steps, cap 256 buckets).
  const curves = page.getByRole('figure', { name: 'Loss chart' }).locator('path.recharts-curve');
  await expect(curves).toHaveCount(6);
  const points = (await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''))).map((d) => d.split(/[LC]/).length);
  expect(points[1]).toBeGreaterThan(150);
  expect(points[2]).toBeGreaterThan(150);
  // One distribution per scheme; standard normal's weights spread far wider than Xavier's at step 0.
  const ridges = page.getByRole('figure', { name: 'Weight histograms' }).getByRole('img');
  await expect(ridges).toHaveCount(3);
  const std0 = async (name: string) => {
    const label = (await ridges.filter({ has: page.locator(`xpath=self::*[starts-with(@aria-label, "Compare 1 · ${name} ·")]`) }).getAttribute('aria-label')) ?? '';
    return Number(/at step 0 (\S+)\.$/.exec(label)![1]);
  };
  expect(await std0('Standard normal')).toBeGreaterThan(3 * (await std0('Xavier')));
});

test('bad control values show messages next to the field and disable Train', async ({ page }) => {
  await openLab(page);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled();

  const lr = page.getByLabel('Learning rate', { exact: true });
  await lr.fill('abc');
  await expect(lr).toHaveAttribute('aria-invalid', 'true');
  await expect(lr).toHaveAccessibleDescription(/must be a positive number/);
  await expect(train).toBeDisabled();

  await lr.fill('-0.1');
  await expect(lr).toHaveAccessibleDescription(/must be a positive number/);
  await expect(train).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Compare init schemes' })).toBeDisabled();

  await lr.fill('1e-6');
  await expect(lr).not.toHaveAttribute('aria-invalid', 'true');
  await expect(train).toBeEnabled();

  const units = page.getByLabel('Layer 1 units', { exact: true });
  await units.fill('0');
  await expect(units).toHaveAccessibleDescription(/must be a positive integer/);
  await expect(train).toBeDisabled();
  await units.fill('12');
  await expect(train).toBeEnabled();

  await page.getByLabel('Seed', { exact: true }).fill('-3');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveAccessibleDescription(/integer from 0 to 4294967295/);
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByLabel('Batch size', { exact: true }).fill('999');
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveAccessibleDescription(/must be at most 12/);
  await expect(train).toBeDisabled();
  await page.getByLabel('Batch size', { exact: true }).fill('');
  await expect(train).toBeEnabled();

  // The layer editor adds and removes hidden layers with numbered names.
  await page.getByRole('button', { name: 'Add layer' }).click();
  await expect(page.getByLabel('Layer 2 units', { exact: true })).toBeVisible();
  await page.getByLabel('Layer 2 activation', { exact: true }).selectOption('relu');
  await page.getByRole('button', { name: 'Remove layer 2' }).click();
  await expect(page.getByLabel('Layer 2 units', { exact: true })).toHaveCount(0);
  await expect(train).toBeEnabled();
});

test('a diverging preset shows the banner that says what to try', async ({ page }) => {
  await openLab(page);
  // The lead's diverging preset (its id names it so); take whichever one the core ships.
  const ids = await page.getByLabel('Preset', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const diverging = ids.find((id) => id.includes('diverging'));
  expect(diverging).toBeDefined();
  await choosePreset(page, diverging!);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const banner = page.getByRole('alert');
  await expect(banner).toContainText('Training diverged', { timeout: 60_000 });
  await expect(banner).toContainText(/smaller learning rate/);
  await expect.poll(() => state(page)).toBe('diverged');
  const m = /at step ([0-9,]+)/.exec(await banner.innerText());
  expect(Number(m![1]!.replace(/,/g, ''))).toBeGreaterThan(0);
  await expect(page.getByRole('figure', { name: 'Loss chart' }).locator('.recharts-reference-line')).toHaveCount(1);
});

test('presentation mode: big type, advanced controls hidden, keyboard and single-step speed', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'xor');
  const seed = page.getByLabel('Seed', { exact: true });
  await expect(seed).toBeVisible();
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'true');
  await expect(seed).toBeHidden();
  await expect(page.getByLabel('Loss function', { exact: true })).toBeHidden();
  const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(fontSize).toBeGreaterThanOrEqual(20);

  await page.getByLabel('Speed').selectOption('1');
  await page.locator('h1').click(); // focus off the select so keys reach the lab
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(2);
  await page.keyboard.press('Space');
  await expect.poll(() => state(page)).toBe('training');
  // One step a second: after ~2.5 s only a handful of steps have been taken.
  await page.waitForTimeout(2500);
  await page.keyboard.press('Space');
  await expect.poll(() => state(page)).toBe('paused');
  const n = await stepCount(page);
  expect(n).toBeGreaterThanOrEqual(3);
  expect(n).toBeLessThanOrEqual(6);
  await page.keyboard.press('r');
  await expect.poll(() => stepCount(page)).toBe(0);
});

test('the lab state is saved to a file and reopened exactly', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'circles');
  await page.getByLabel('Learning rate', { exact: true }).fill('3e-2');
  await page.getByLabel('Layer 2 units', { exact: true }).fill('9');
  await page.getByLabel('Init scheme').selectOption({ label: 'Xavier' });
  await page.getByRole('checkbox', { name: 'Log scale' }).uncheck();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save lab' }).click();
  const path = await (await download).path();
  const text = await readFile(path, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ format: 'nnlab-lab', version: 2 });

  await page.reload();
  await expect(page.getByLabel('Preset', { exact: true })).toHaveValue('seed-004-quadrants');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.00001');
  await page.getByLabel('Open lab file').setInputFiles({ name: 'lab.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('3e-2');
  await expect(page.getByLabel('Layer 2 units', { exact: true })).toHaveValue('9');
  await expect(page.getByLabel('Init scheme')).toHaveValue('xavier');
  await expect(page.getByLabel('Preset', { exact: true })).toHaveValue('circles');
  await expect(page.getByRole('checkbox', { name: 'Log scale' })).not.toBeChecked();

  // A foreign file is refused with a message, and nothing changes.
  await page.getByLabel('Open lab file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"other"}') });
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Not an nnlab lab file');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('3e-2');
});

test('non-2-D data shows predicted vs target for a chosen sample', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'seed-001');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('completed');
  const fig = page.getByRole('figure', { name: 'Predictions' });
  await fig.getByLabel('Sample').fill('3');
  const table = fig.getByRole('table', { name: 'Sample 3: target vs predicted' });
  await expect(table.getByRole('row')).toHaveCount(11);
});

test('the accessibility scan finds no serious or critical violations', async ({ page }) => {
  await openLab(page);
  const scan = async () => {
    const r = await new AxeBuilder({ page }).analyze();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  expect(await scan()).toEqual([]);
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  await expect(page.getByRole('table', { name: 'Comparison of shown runs' })).toBeVisible();
  await page.getByLabel('Learning rate', { exact: true }).fill('abc');
  expect(await scan()).toEqual([]);
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  expect(await scan()).toEqual([]);
});

test('the web build uses relative asset paths (works from any directory)', async ({ request }) => {
  const html = await (await request.get('./')).text();
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(refs.length).toBeGreaterThan(1);
  for (const r of refs) expect(r.startsWith('./') || r.startsWith('data:')).toBe(true);
  expect(html).toContain('Content-Security-Policy');
});
