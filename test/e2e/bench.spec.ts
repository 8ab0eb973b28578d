/**
 * UI benchmark: frame times and heap growth while a long run trains flat out, with every view on
 * screen. Numbers go to test-results/ui-bench.json and the test's annotations. The aim is
 * p95 ≤ 20 ms; the assertions are looser (this shares two cores with the trainer worker) but still
 * fail on a UI that blocks for whole frames or leaks per message.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { choosePreset, openLab, stepCount } from './lab';

const WARMUP_MS = 3000;
const MEASURE_MS = 15_000;

test('frame time and heap stay bounded during a long flat-out run', async ({ page }, info) => {
  test.setTimeout(120_000);
  await openLab(page);
  await choosePreset(page, 'spiral');
  await page.getByLabel('Steps', { exact: true }).fill('10000000');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  };

  const measure = (ms: number) =>
    page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          let last = performance.now();
          const end = last + ms;
          const frame = (t: number) => {
            out.push(t - last);
            last = t;
            if (t < end) requestAnimationFrame(frame);
            else resolve(out);
          };
          requestAnimationFrame(frame);
        }),
      ms,
    );
  const p95 = (xs: number[]) => {
    const s = xs.slice(1).sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))]!;
  };
  // Baseline: the same page, not training (what the machine itself gives).
  const idleP95 = p95(await measure(5000));

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForTimeout(WARMUP_MS);
  const heapStart = await heap();
  const stepsStart = await stepCount(page);

  const frames = await measure(MEASURE_MS);
  const stepsEnd = await stepCount(page);
  const heapEnd = await heap();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();

  const sorted = frames.slice(1).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const result = {
    frames: sorted.length,
    p50Ms: +pct(0.5).toFixed(2),
    p95Ms: +pct(0.95).toFixed(2),
    p99Ms: +pct(0.99).toFixed(2),
    maxMs: +sorted[sorted.length - 1]!.toFixed(2),
    heapStartMB: +(heapStart / 1e6).toFixed(2),
    heapEndMB: +(heapEnd / 1e6).toFixed(2),
    heapGrowthMB: +((heapEnd - heapStart) / 1e6).toFixed(2),
    stepsDuringMeasurement: stepsEnd - stepsStart,
    stepsPerSecond: Math.round(((stepsEnd - stepsStart) * 1000) / MEASURE_MS),
    measuredSeconds: MEASURE_MS / 1000,
    idleP95Ms: +idleP95.toFixed(2),
  };
  console.log(`UI bench: ${JSON.stringify(result)}`);
  await mkdir('test-results', { recursive: true });
  await writeFile('test-results/ui-bench.json', JSON.stringify(result, null, 2));
  info.annotations.push({ type: 'ui-bench', description: JSON.stringify(result) });

  expect(result.stepsDuringMeasurement).toBeGreaterThan(10_000); // it really was training flat out
  expect(result.frames).toBeGreaterThan(MEASURE_MS / 100); // frames kept coming
  expect(result.p95Ms).toBeLessThan(34); // at most one missed vsync at p95 on a shared 2-core machine
  expect(result.heapGrowthMB).toBeLessThan(20);
});
