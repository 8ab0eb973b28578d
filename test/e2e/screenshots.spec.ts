/**
 * Regenerates the README's screenshots (assets/screenshots/*.png) from the web build, and checks each
 * one was written with real content. Run with `npm run screenshots`; `npm test` leaves it out so a checkout stays clean.
 */
import { stat } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { choosePreset, openLab, stepCount } from './lab';

const DIR = 'assets/screenshots';

test('screenshots of the main screens', async ({ page }) => {
  test.setTimeout(400_000);
  await openLab(page);

  // 1. The quadrant preset after training: decision regions, test points, histograms, gradient flow.
  await choosePreset(page, 'seed-004-quadrants');
  await page.getByLabel('Steps', { exact: true }).fill('20000');
  await page.getByLabel('Learning rate', { exact: true }).fill('1e-4');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => page.getByTestId('state').innerText(), { timeout: 60_000 }).toBe('completed');
  await page.locator('canvas.decision-map').click({ position: { x: 300, y: 60 } });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${DIR}/lab-quadrants.png`, fullPage: true });

  // 2. Compare init schemes on the deep relu net.
  await choosePreset(page, 'init-standard-normal');
  await page.getByRole('button', { name: 'Compare init schemes' }).click();
  await expect(page.getByRole('table', { name: 'Comparison of shown runs' }).getByRole('row').nth(3)).toContainText(/completed|diverged/, { timeout: 90_000 });
  await expect(page.getByRole('table', { name: 'Comparison of shown runs' }).getByRole('row').nth(2)).toContainText(/completed|diverged/, { timeout: 90_000 });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: `${DIR}/compare-init-schemes.png`, fullPage: true });
  // 2b. The same group's gradient flow (small multiples, 0 and ∞ bands) and activations over time.
  await page.getByRole('figure', { name: 'Gradient flow' }).screenshot({ path: `${DIR}/gradient-flow.png` });
  await page.getByLabel('Histogram values').selectOption('activations');
  await page.getByLabel('Histogram layer').selectOption('1');
  // Standard normal's activations reach ~1e8: on a shared axis the other two would be one bar.
  await page.getByRole('checkbox', { name: 'Shared value axis' }).uncheck();
  await page.waitForTimeout(1600);
  await page.getByRole('figure', { name: 'Weight histograms' }).screenshot({ path: `${DIR}/distributions.png` });
  await page.getByLabel('Histogram values').selectOption('weights');
  await page.getByLabel('Histogram layer').selectOption('0');
  await page.getByRole('checkbox', { name: 'Shared value axis' }).check();

  // 3. A diverging run with its banner.
  const ids = await page.getByLabel('Preset', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  await choosePreset(page, ids.find((id) => id.includes('diverging'))!);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Training diverged', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${DIR}/diverged.png` });

  // 4. Presentation mode on a 1280×720 projector, mid-run on XOR at 100 steps/s: the 2×2 dashboard.
  await page.setViewportSize({ width: 1280, height: 720 });
  await choosePreset(page, 'xor');
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  await page.getByLabel('Speed').selectOption('100');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(300);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.locator('canvas.decision-map').click({ position: { x: 40, y: 40 } });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${DIR}/presentation-mode.png` });

  // 5. A lesson: "Bias on and off", second step (no biases) trained, in presentation mode.
  await page.getByLabel('Speed').selectOption('0');
  await page.getByLabel('Lessons').selectOption({ label: 'Bias on and off' });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => page.getByTestId('state').innerText(), { timeout: 60_000 }).toBe('completed');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${DIR}/lesson.png` });

  await page.getByRole('button', { name: 'Close lesson' }).click();

  // 6. The glass box: the network diagram with a unit spotlit, and one update explained, on the quadrant
  //    preset with a tanh hidden layer (so the activation maps are curved) after some training; out of
  //    presentation mode first (it hides the Steps field).
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  await choosePreset(page, 'seed-004-quadrants');
  await page.getByLabel('Layer 1 activation', { exact: true }).selectOption('tanh');
  await page.getByLabel('Steps', { exact: true }).fill('1000000');
  await page.getByLabel('Learning rate', { exact: true }).fill('1e-3');
  await page.getByLabel('Speed').selectOption('0');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(3000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const net = page.getByRole('figure', { name: 'Network' });
  await net.locator('[data-unit="1:2"]').click();
  await expect(page.getByRole('region', { name: 'Last update' })).toContainText('Loss after');
  await page.waitForTimeout(1500);
  await net.screenshot({ path: `${DIR}/network-diagram.png` });
  await page.getByRole('region', { name: 'Last update' }).screenshot({ path: `${DIR}/last-update.png` });

  for (const f of ['lab-quadrants', 'compare-init-schemes', 'gradient-flow', 'distributions', 'diverged', 'presentation-mode', 'lesson', 'network-diagram', 'last-update']) {
    expect((await stat(`${DIR}/${f}.png`)).size).toBeGreaterThan(20_000);
  }
});

test('screenshot of a sweep', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page);
  // The quadrant preset: 7 learning rates (1e-6 … 1e-3) × 3 init schemes × 3 seeds, 500 steps each.
  await choosePreset(page, 'seed-004-quadrants');
  const panel = page.getByRole('region', { name: 'Sweep' });
  await panel.getByLabel('Logspace from exponent').fill('-6');
  await panel.getByLabel('Logspace to exponent').fill('-3');
  await panel.getByLabel('Logspace count').fill('7');
  await panel.getByRole('button', { name: 'Fill logspace' }).click();
  await panel.getByRole('checkbox', { name: 'seed' }).check();
  await panel.getByLabel('seed values').fill('0, 1, 2');
  await panel.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-status')).toContainText('done · 63 of 63 runs ended', { timeout: 200_000 });
  await page.waitForTimeout(1500);
  await panel.screenshot({ path: `${DIR}/sweep-results.png` });
  expect((await stat(`${DIR}/sweep-results.png`)).size).toBeGreaterThan(20_000);
});
