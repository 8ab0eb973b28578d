/**
 * The classroom glass box (issue #13): the Network diagram (a node per unit, edges, activation maps, a
 * spotlight) and "Last update" (one step explained), whose numbers must be the ones the exported numpy
 * script prints for that step.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { choosePreset, openLab, pageErrors, stepCount } from './lab';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

/** Every exact number a locator's elements carry in data-value, in document order. */
async function values(loc: Locator): Promise<number[]> {
  return loc.locator('[data-value]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.value)));
}

/** Relative difference: numpy and nnlab sum in other orders, so they agree to rounding (the project's 1e-8 parity bound). */
let worst = 0;
function expectClose(mine: number[], theirs: number[], what: string) {
  expect(mine.length, what).toBe(theirs.length);
  mine.forEach((m, i) => {
    const t = theirs[i]!;
    const rel = m === t ? 0 : Math.abs(m - t) / Math.max(Math.abs(m), Math.abs(t));
    worst = Math.max(worst, rel);
    expect(rel, `${what}[${i}]: ${m} vs numpy ${t}`).toBeLessThanOrEqual(1e-8);
  });
}

interface Explained {
  lossBefore: number;
  lossAfter: number;
  layers: { gradNorm: number; updateNorm: number; updateRatio: number }[];
  flipped: number[];
  sample: { row: number; x: number[]; y: number[]; layers: { z: number[]; a: number[]; delta: number[] }[] };
}

/** Clicks "Export this step as numpy", runs the script and returns the JSON record it prints last. */
async function numpyRecord(page: Page, region: Locator): Promise<Explained> {
  const [download] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Export this step as numpy' }).click()]);
  const path = await download.path();
  const out = execFileSync('python3', [path], { encoding: 'utf8' }).trim().split('\n');
  return JSON.parse(out.at(-1)!) as Explained;
}

async function compareWithNumpy(page: Page, region: Locator) {
  const np = await numpyRecord(page, region);
  expectClose([Number(await region.getByTestId('loss-before').getAttribute('data-value'))], [np.lossBefore], 'loss before');
  expectClose([Number(await region.getByTestId('loss-after').getAttribute('data-value'))], [np.lossAfter], 'loss after');
  expectClose(await values(region.getByTestId('update-table')), np.layers.flatMap((l) => [l.gradNorm, l.updateNorm, l.updateRatio]), 'per-layer norms');
  expect(await region.getByTestId('flipped').getAttribute('data-rows')).toBe(np.flipped.join(','));
  const record = region.getByTestId('sample-record');
  expect(Number(await record.getAttribute('data-row'))).toBe(np.sample.row);
  const rows = np.sample.layers.flatMap((l) => l.z.flatMap((z, j) => [z, l.a[j]!, l.delta[j]!]));
  expectClose(await values(record), [...np.sample.x, ...np.sample.y, ...rows], `sample ${np.sample.row}'s x, y and z, a, δ`);
  return np;
}

test('the Network figure has a node per unit, edges once trained, activation maps, and a spotlight', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'seed-004-quadrants');
  const net = page.getByRole('figure', { name: 'Network' });
  // 2 inputs → 10 → 4, drawn from the experiment before any training.
  const ids = [...[0, 1].map((i) => `0:${i}`), ...Array.from({ length: 10 }, (_, i) => `1:${i}`), ...Array.from({ length: 4 }, (_, i) => `2:${i}`)];
  await expect(net.locator('[data-unit]')).toHaveCount(ids.length);
  for (const id of ids) await expect(net.locator(`[data-unit="${id}"]`)).toHaveCount(1);

  // A net too wide to draw gets a message, not a hairball.
  const units = page.getByLabel('Layer 1 units', { exact: true });
  await units.fill('65');
  await expect(net.getByTestId('network-too-large')).toContainText('up to 8 layers of at most 64 units');
  await expect(net.locator('[data-unit]')).toHaveCount(0);
  await units.fill('10');
  await expect(net.locator('[data-unit]')).toHaveCount(ids.length);

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(1);
  // One edge per weight, and every non-input unit shows its map over the input plane.
  const edges = net.locator('canvas.network-edges');
  await expect(edges).toHaveAttribute('data-edges', String(2 * 10 + 10 * 4));
  // Both signs are painted, in their own colours (Okabe–Ito blue #0072B2 and orange #E69F00, 75 % on white).
  const inked = await edges.evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let blue = 0;
    let orange = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! < 64) continue;
      if (d[i + 2]! > d[i]! + 40) blue++;
      else if (d[i]! > d[i + 2]! + 40) orange++;
    }
    return { blue, orange };
  });
  expect(inked.blue).toBeGreaterThan(100);
  expect(inked.orange).toBeGreaterThan(100);
  await expect(net.locator('canvas.unit-map')).toHaveCount(14);
  const painted = await net.locator('[data-unit="1:0"] canvas').evaluate((c) => {
    const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 24, 24).data;
    return new Set(Array.from({ length: 576 }, (_, i) => `${d[4 * i]},${d[4 * i + 1]},${d[4 * i + 2]}`)).size;
  });
  expect(painted).toBeGreaterThan(10); // a gradient, not a flat tile

  await net.locator('[data-unit="1:3"]').click();
  const spot = net.getByRole('region', { name: 'Unit 1:3' });
  await expect(spot).toContainText('Bias');
  await expect(spot.getByRole('table', { name: 'Incoming weights' }).getByRole('row')).toHaveCount(3);
  await expect(spot.getByRole('figure')).toHaveAttribute('aria-label', /Activation histogram/);
});

test('after Step, "Last update" shows loss before and after and its numbers are numpy\'s for that step', async ({ page }) => {
  test.skip(!hasNumpy, 'needs python3 with numpy');
  await openLab(page);
  await choosePreset(page, 'seed-004-quadrants');
  const region = page.getByRole('region', { name: 'Last update' });
  await expect(region).toContainText('Press Step');

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(1);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(2);
  // → steps (and explains) too, wherever focus is not in a field.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(3);
  await expect(region).toContainText('Step 3 of');
  await expect(region).toContainText('Loss before');
  await expect(region).toContainText('Loss after');
  const before = Number(await region.getByTestId('loss-before').getAttribute('data-value'));
  const after = Number(await region.getByTestId('loss-after').getAttribute('data-value'));
  expect(after).toBeLessThan(before);
  const np = await compareWithNumpy(page, region);
  expect(np.sample.row).toBe(0); // the first batch row by default

  // Another sample of the same step: its record, and numpy's for it.
  await region.getByLabel('Sample').selectOption('7');
  await expect(region.getByTestId('sample-record')).toHaveAttribute('data-row', '7');
  expect((await compareWithNumpy(page, region)).sample.row).toBe(7);

  console.log(`Last update vs numpy: worst relative difference ${worst.toExponential(2)}`);
  // The flipped points are the ones ringed on the decision map.
  await expect(page.locator('canvas.decision-map')).toHaveAttribute('data-highlight', np.flipped.join(','));
});

test('axe finds no serious issue on the Network and Last update views, and the formulas break no CSP rule', async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) refused.push(m.text());
  });
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Last update' })).toContainText('Loss after');
  await page.getByRole('figure', { name: 'Network' }).locator('[data-unit="1:2"]').click();
  const r = await new AxeBuilder({ page }).include('figure[aria-label="Network"]').include('section[aria-label="Last update"]').analyze();
  const serious = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
  // KaTeX's layout survives style-src 'self' (no inline style attributes), its fonts come from 'self'.
  await expect(page.locator('.last-update .katex').first()).toBeVisible();
  expect(refused).toEqual([]);
});
