/**
 * The lab in a classroom: presentation mode on a projector's screen, the keyboard wherever focus is,
 * the shipped lessons, and the decision map's edges (points outside the range, the live probe).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { choosePreset, openLab, pageErrors, state, stepCount } from './lab';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

const VIEWS = ['Loss chart', 'Predictions', 'Weight histograms', 'Gradient flow'];

async function present(page: Page) {
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'true');
}

/** The document's scroll extent beyond the viewport, in px (0 and 0 = no scrollbars). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const d = document.documentElement;
    return { x: d.scrollWidth - d.clientWidth, y: d.scrollHeight - d.clientHeight };
  });
}

async function expectDashboardFits(page: Page, size: { width: number; height: number }) {
  expect(await overflow(page)).toEqual({ x: 0, y: 0 });
  const boxes = [];
  for (const name of VIEWS) {
    const box = (await page.getByRole('figure', { name }).boundingBox())!;
    expect(box, name).not.toBeNull();
    expect(box.x, name).toBeGreaterThanOrEqual(0);
    expect(box.y, name).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, name).toBeLessThanOrEqual(size.width);
    expect(box.y + box.height, name).toBeLessThanOrEqual(size.height);
    // A quarter of the screen is a view, not a sliver.
    expect(box.width * box.height, name).toBeGreaterThan((size.width * size.height) / 12);
    boxes.push(box);
  }
  // 2×2: two columns and two rows.
  expect(new Set(boxes.map((b) => Math.round(b.x))).size).toBe(2);
  expect(new Set(boxes.map((b) => Math.round(b.y))).size).toBe(2);
  // The map itself is on screen, whole.
  const map = (await page.locator('canvas.decision-map').boundingBox())!;
  expect(map.y + map.height).toBeLessThanOrEqual(size.height);
  expect(map.height).toBeGreaterThan(120);
  // The key hint covers nothing: it sits in the header, above the views.
  const hint = (await page.getByLabel('Keys').boundingBox())!;
  expect(hint.y + hint.height).toBeLessThanOrEqual(Math.min(...boxes.map((b) => b.y)));
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
]) {
  test(`presentation mode at ${size.width}×${size.height}: no scrollbars, the four views on screen, big type`, async ({ page }) => {
    await page.setViewportSize(size);
    await openLab(page);
    await choosePreset(page, 'init-standard-normal');
    await present(page);
    await expectDashboardFits(page, size);
    // Trained, with a diverged banner and three runs' histograms: still fits.
    await page.getByRole('button', { name: 'Compare init schemes' }).click();
    await expect(page.getByRole('alert')).toContainText('Training diverged', { timeout: 60_000 });
    await expect(page.getByRole('figure', { name: 'Weight histograms' }).getByRole('img')).toHaveCount(3);
    await expectDashboardFits(page, size);
    // The experiment panel is collapsed, and comes out on demand.
    await expect(page.getByLabel('Learning rate', { exact: true })).toBeHidden();
    await page.getByRole('button', { name: 'Experiment panel' }).click();
    await expect(page.getByLabel('Learning rate', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Experiment panel' }).click();
    // Type readable from the back: axis ticks and the map's labels at 14 px or more.
    const tickSize = await page
      .locator('.loss-chart .recharts-cartesian-axis-tick-labels text')
      .first()
      .evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
    expect(tickSize).toBeGreaterThanOrEqual(14);
    // Esc leaves presentation.
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'false');
  });
}

test('Space trains and pauses right after the Speed select was used, in and out of presentation', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'xor');
  await page.getByLabel('Steps', { exact: true }).fill('100000');
  // As a user does it: focus the select (click or Tab), choose; the select keeps focus.
  await page.getByLabel('Speed').focus();
  await page.getByLabel('Speed').selectOption('10');
  await expect(page.getByLabel('Speed')).toBeFocused();
  await page.keyboard.press('Space');
  await expect.poll(() => state(page)).toBe('training');
  // Steps/s shows the real rate at a paced speed (it read 0).
  await expect.poll(async () => Number(await page.getByTestId('steps-per-second').innerText()), { timeout: 10_000 }).toBeGreaterThanOrEqual(8);
  expect(Number(await page.getByTestId('steps-per-second').innerText())).toBeLessThanOrEqual(11);
  await page.keyboard.press('Space');
  await expect.poll(() => state(page)).toBe('paused');
  await expect(page.getByLabel('Speed')).toHaveValue('10'); // Space did not open or change the select

  await present(page);
  // Focus on the Presentation mode button: Space must train, not leave presentation.
  await page.keyboard.press('Space');
  await expect.poll(() => state(page)).toBe('training');
  await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('Speed').focus();
  await page.getByLabel('Speed').selectOption('1');
  await page.keyboard.press('Space');
  await expect.poll(() => state(page)).toBe('paused');
  const n = await stepCount(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(n + 1);
  await page.keyboard.press('r');
  await expect.poll(() => stepCount(page)).toBe(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'false');
});

const LESSON_TITLES = ['Why init scale matters', 'Learning rate: too small, right, too large', 'Bias on and off'];

for (const title of LESSON_TITLES) {
  test(`lesson "${title}" opens and steps through`, async ({ page }) => {
    await openLab(page);
    await page.getByLabel('Lessons').selectOption({ label: title });
    const panel = page.getByRole('region', { name: 'Lesson' });
    await expect(panel.getByRole('heading', { name: `Lesson: ${title}` })).toBeVisible();
    const count = page.getByTestId('lesson-step');
    const total = Number(/of (\d+)/.exec(await count.innerText())![1]);
    expect(total).toBeGreaterThanOrEqual(3);
    const prev = panel.getByRole('button', { name: 'Previous' });
    const next = panel.getByRole('button', { name: 'Next' });
    await expect(prev).toBeDisabled();
    const seen = new Set<string>();
    for (let i = 1; i <= total; i++) {
      await expect(count).toHaveText(`Step ${i} of ${total}`);
      const text = await panel.locator('.lesson-text').innerText();
      expect(text.length).toBeGreaterThan(40);
      seen.add(text);
      // The view to look at is highlighted, and only that one.
      await expect(page.locator('[data-look="true"]')).toHaveCount(1);
      // Locked controls are disabled and say why.
      const preset = page.getByLabel('Preset', { exact: true });
      await expect(preset).toBeDisabled();
      await expect(preset).toHaveAccessibleDescription(/Locked by the lesson/);
      // Every shipped step changes one setting, so the update rule is held too.
      await expect(page.getByLabel('Optimiser', { exact: true })).toBeDisabled();
      // The step's experiment is valid and trains.
      await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
      if (i === 1) {
        await page.getByRole('button', { name: 'Step', exact: true }).click();
        await expect.poll(() => stepCount(page)).toBe(1);
      }
      if (i < total) await next.click();
    }
    expect(seen.size).toBe(total);
    await expect(next).toBeDisabled();
    await prev.click();
    await expect(count).toHaveText(`Step ${total - 1} of ${total}`);
    await panel.getByRole('button', { name: 'Close lesson' }).click();
    await expect(panel).toHaveCount(0);
    await expect(page.getByLabel('Preset', { exact: true })).toBeEnabled();
  });
}

test('the learning-rate lesson prepares each rate, and its third step diverges', async ({ page }) => {
  await openLab(page);
  await page.getByLabel('Lessons').selectOption({ label: 'Learning rate: too small, right, too large' });
  const lr = page.getByLabel('Learning rate', { exact: true });
  await expect(lr).toHaveValue('1e-7');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(lr).toHaveValue('0.000001');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(lr).toHaveValue('0.000005');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Training diverged', { timeout: 60_000 });
  await expect(page.locator('[data-view="loss"]')).toHaveAttribute('data-look', 'true');
});

test('a teacher saves the lab as a lesson; a student opens the file and gets the step', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'circles');
  await page.getByLabel('Learning rate', { exact: true }).fill('0.05');
  await page.getByText('Save as lesson').click();
  await page.getByLabel('Lesson title').fill('Circles, slowly');
  await page.getByLabel('Step text').fill('A slower learning rate on the circles: watch the map close around the inner ring.');
  await page.getByLabel('Look at').selectOption({ label: 'Predictions' });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save lesson file' }).click();
  const path = await (await download).path();
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ format: 'nnlab-lab', version: 1, lesson: { title: 'Circles, slowly' } });

  await page.reload();
  await page.getByLabel('Open lab file').setInputFiles({ name: 'lesson.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  const panel = page.getByRole('region', { name: 'Lesson' });
  await expect(panel.getByRole('heading', { name: 'Lesson: Circles, slowly' })).toBeVisible();
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 1');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.05');
  await expect(page.locator('[data-view="predictions"]')).toHaveAttribute('data-look', 'true');
  await expect(page.getByLabel('Preset', { exact: true })).toBeDisabled();

  // A bad lesson is refused with one message naming the field.
  const bad = JSON.parse(text);
  bad.lesson.steps[0].experiment.learningRate = -1;
  await page.getByLabel('Open lab file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('lesson.steps[0].experiment.learningRate');
});

test('the quadrant test point [111, −111] is drawn at the edge of the map with an arrow; the probe follows training', async ({ page }) => {
  await openLab(page);
  await choosePreset(page, 'seed-004-quadrants');
  await page.getByLabel('Steps', { exact: true }).fill('20000');
  await page.getByLabel('Learning rate', { exact: true }).fill('1e-4');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const map = page.locator('canvas.decision-map');
  await expect(map).toHaveAttribute('data-has-grid', 'true');
  const placed = JSON.parse((await map.getAttribute('data-test-points'))!) as { k: number; x: number; y: number; edge: boolean }[];
  const size = await map.evaluate((c) => (c as HTMLCanvasElement).width);
  // T1 = [111, −111]: far right and below the data, pinned in the bottom-right corner.
  expect(placed[0]).toMatchObject({ k: 0, edge: true });
  expect(placed[0]!.x).toBeGreaterThan(size - 20);
  expect(placed[0]!.y).toBeGreaterThan(size - 20);
  for (const p of placed.slice(1)) expect(p.edge).toBe(false);
  // Something is drawn there: the diamond's dark outline and arrow near the corner.
  const dark = await map.evaluate((c, at) => {
    const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(at.x - 16, at.y - 16, 32, 32).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 60 && d[i + 1]! < 60 && d[i + 2]! < 60) n++;
    return n;
  }, placed[0]!);
  expect(dark).toBeGreaterThan(20);
  // Axes carry tick labels.
  await expect(page.locator('.axis-x .tick')).not.toHaveCount(0);
  await expect(page.locator('.axis-y .tick')).not.toHaveCount(0);

  // The probe: its bars are in the class colours and its answer moves on as training does.
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width * 0.8, y: box.height * 0.2 } });
  const bars = page.getByRole('list', { name: 'Probe scores by class' });
  await expect(bars.getByRole('listitem')).toHaveCount(4);
  const colours = await bars.locator('.bar').evaluateAll((bs) => bs.map((b) => getComputedStyle(b).backgroundColor));
  expect(colours).toEqual(['rgb(230, 159, 0)', 'rgb(86, 180, 233)', 'rgb(0, 158, 115)', 'rgb(204, 121, 167)']);
  const firstStep = Number(await bars.getAttribute('data-step'));
  const firstText = await page.getByTestId('probe').innerText();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('completed');
  await expect.poll(async () => Number(await bars.getAttribute('data-step')), { timeout: 10_000 }).toBe(20000);
  expect(firstStep).toBe(1);
  expect(await page.getByTestId('probe').innerText()).not.toBe(firstText);
});

test('axe finds no serious issue in presentation mode with a lesson open', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page);
  const scan = async () => {
    const r = await new AxeBuilder({ page }).analyze();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  await page.getByLabel('Lessons').selectOption({ label: 'Bias on and off' });
  await page.getByText('Save as lesson').click();
  expect(await scan()).toEqual([]);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await present(page);
  expect(await scan()).toEqual([]);
  await page.getByRole('button', { name: 'Experiment panel' }).click();
  expect(await scan()).toEqual([]);
});
