/**
 * The lab under the Electron host, with the window's `window.nnlab` played by a stub (Electron cannot
 * launch here). The stub hands out trainer ports exactly as the preload does — a `window.postMessage`
 * of TRAINER_PORT_MESSAGE carrying a MessagePort — whose other end is relayed to a Web Worker running
 * the built trainer (the same TrainerService a utility process runs). It records what the UI asks of
 * main (saveRun, exportRun, exportStep, saveExperimentAs, saveLabFile, exportNumpy, exportSweepCsv) and lets the
 * test send menu commands and kill a trainer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { ExperimentInput } from '../../core';
import type { ExplainedStep, LibraryEntry, MenuCommand, NnlabApi, RunEvent, SavedRun } from '../../core/contract/api';
import { TRAINER_PORT_MESSAGE } from '../../core/contract/api';
import { SavedRunSchema } from '../../core/contract/run-file';
import { exportStep } from '../../main/electron-main/export';
import { parseCall } from '../../main/electron-main/ipc';
import { choosePreset, currentLoss, openLab, pageErrors, state, stepCount } from './lab';

/** What the stub keeps for the test to read. Losses are plain arrays (as after IPC and JSON). */
interface StubRecord {
  openRun: number;
  /** openRun({ role: 'sweep' }) calls: the sweep pool's workers. */
  openSweep: number;
  closeRun: string[];
  saveRun: (SavedRun & { losses: number[] })[];
  exportRun: { format: string; run: SavedRun & { losses: number[] } }[];
  exportStep: { experiment: ExperimentInput; explain: ExplainedStep }[];
  saveExperimentAs: Record<string, unknown>[];
  /** saveLabFile / exportNumpy / exportSweepCsv: each call's arguments, cloned as IPC would. */
  saveLabFile: unknown[][];
  exportNumpy: unknown[][];
  exportSweepCsv: unknown[][];
}

interface StubControl {
  calls: StubRecord;
  menu(cmd: MenuCommand): void;
  /** Kills the trainer of the newest run (or of `runId`), as a crashed utility process would end, and tells the page. */
  kill(reason: string, runId?: string): void;
  /** Ids of the processes open now. */
  live(): string[];
}

const SET_ASIDE = 'runs/broken.json was set aside: not valid JSON (Unexpected token } in JSON at position 12)';

async function workerUrl(kind: 'trainer' | 'sweep'): Promise<string> {
  const dir = fileURLToPath(new URL('../../out/web/assets/', import.meta.url));
  const name = (await readdir(dir)).find((f) => f.startsWith(`${kind}.worker-`) && f.endsWith('.js'));
  if (!name) throw new Error(`no ${kind} worker in ${dir}`);
  return `assets/${name}`;
}

async function installStub(page: Page): Promise<void> {
  const args = { worker: await workerUrl('trainer'), sweepWorker: await workerUrl('sweep'), portType: TRAINER_PORT_MESSAGE, setAside: SET_ASIDE };
  await page.addInitScript(({ worker, sweepWorker, portType, setAside }) => {
    const runListeners = new Set<(e: RunEvent) => void>();
    const menuListeners = new Set<(c: MenuCommand) => void>();
    const trainers = new Map<string, { worker: Worker; port: MessagePort }>();
    const library = new Map<string, SavedRun>();
    const calls: StubRecord = { openRun: 0, openSweep: 0, closeRun: [], saveRun: [], exportRun: [], exportStep: [], saveExperimentAs: [], saveLabFile: [], exportNumpy: [], exportSweepCsv: [] };
    // IPC clones what crosses it; so does this, so an uncloneable argument fails here as it would there.
    const plain = (run: SavedRun) => {
      const c = structuredClone(run);
      return { ...c, losses: Array.from(c.losses) };
    };
    const tell = (e: RunEvent) => runListeners.forEach((l) => l(e));
    let n = 0;

    const api: NnlabApi = {
      platform: 'linux',
      openRun(options) {
        // A sweep worker is main's utility process in role "sweep"; here, the web build's sweep worker.
        const sweep = options?.role === 'sweep';
        if (sweep) calls.openSweep++;
        else calls.openRun++;
        const runId = `${sweep ? 'sweep' : 'run'}${++n}`;
        // Main defers the run's events and its port a turn, so the openRun reply arrives first.
        setTimeout(() => {
          const channel = new MessageChannel();
          const w = new Worker(sweep ? sweepWorker : worker, { type: 'module', name: `stub-${sweep ? 'sweep' : 'trainer'}-${runId}` });
          channel.port2.onmessage = (e) => w.postMessage(e.data);
          w.onmessage = (e) => channel.port2.postMessage(e.data);
          trainers.set(runId, { worker: w, port: channel.port2 });
          tell({ runId, kind: 'started' });
          window.postMessage({ type: portType, runId }, '*', [channel.port1]);
        }, 0);
        return Promise.resolve({ runId });
      },
      closeRun(runId) {
        calls.closeRun.push(runId);
        const t = trainers.get(runId);
        t?.worker.terminate();
        t?.port.close();
        trainers.delete(runId);
        return Promise.resolve();
      },
      onRunEvent(l) {
        runListeners.add(l);
        return () => void runListeners.delete(l);
      },
      onMenu(l) {
        menuListeners.add(l);
        return () => void menuListeners.delete(l);
      },
      openExperiment: () => Promise.resolve({ ok: false, canceled: true }),
      openRecent: () => Promise.resolve({ ok: false, canceled: true }),
      recentFiles: () => Promise.resolve([]),
      saveExperimentAs(exp) {
        calls.saveExperimentAs.push(structuredClone(exp) as Record<string, unknown>);
        return Promise.resolve({ ok: true, path: `/home/student/${exp.name ?? 'untitled'}.json` });
      },
      exportRun(format, run) {
        calls.exportRun.push({ format, run: plain(run) });
        return Promise.resolve({ ok: true, path: `/home/student/run.${format === 'numpy' ? 'py' : format}` });
      },
      exportStep(experiment, explain) {
        calls.exportStep.push(structuredClone({ experiment, explain }));
        return Promise.resolve({ ok: true, path: `/home/student/step-${explain.step + 1}.py` });
      },
      saveLabFile(...a) {
        calls.saveLabFile.push(structuredClone(a));
        return Promise.resolve({ ok: true, path: `/home/student/${a[0].lesson ? 'lesson' : 'lab'}.json` });
      },
      exportNumpy(...a) {
        calls.exportNumpy.push(structuredClone(a));
        return Promise.resolve({ ok: true, path: '/home/student/experiment.py' });
      },
      exportSweepCsv(...a) {
        calls.exportSweepCsv.push(structuredClone(a));
        return Promise.resolve({ ok: true, path: '/home/student/sweep-results.csv' });
      },
      listExperiments: () => Promise.resolve({ entries: [], notices: [] }),
      loadExperiment: () => Promise.resolve({ ok: false, message: 'no such experiment' }),
      saveExperiment: () => Promise.resolve({ ok: false, message: 'not used' }),
      listRuns: () => Promise.resolve({ entries: [], notices: [setAside] }),
      loadRun(id) {
        const r = library.get(id);
        return Promise.resolve(r ? { ok: true, value: structuredClone(r) } : { ok: false, message: `no run ${id}` });
      },
      saveRun(run) {
        const copy = plain(run);
        calls.saveRun.push(copy);
        library.set(copy.id, copy);
        const entry: LibraryEntry = { id: copy.id, name: copy.name, savedAt: copy.endedAt };
        return Promise.resolve({ ok: true, value: entry });
      },
      // Import CSV…: main's dialog and read, answered with a file of two features and two classes.
      openCsvFile: () =>
        Promise.resolve({ ok: true, name: 'desktop.csv', path: '/data/desktop.csv', bytes: new TextEncoder().encode('u;v;class\r\n' + Array.from({ length: 40 }, (_, i) => `${(i % 7) - 3};${(i % 5) - 2};${i % 2 ? 'odd' : 'even'}`).join('\r\n')) }),
    };
    window.nnlab = api;

    const control: StubControl = {
      calls,
      menu: (cmd) => menuListeners.forEach((l) => l(cmd)),
      live: () => [...trainers.keys()],
      kill(reason, which) {
        const runId = which ?? [...trainers.keys()].at(-1);
        if (!runId) throw new Error('no trainer to kill');
        const t = trainers.get(runId)!;
        t.worker.terminate();
        t.port.close();
        trainers.delete(runId);
        setTimeout(() => tell({ runId, kind: 'failed', reason }), 0);
      },
    };
    (window as unknown as { __stub: StubControl }).__stub = control;
  }, args);
}

const calls = (page: Page) => page.evaluate(() => (window as unknown as { __stub: StubControl }).__stub.calls);
const menu = (page: Page, cmd: MenuCommand) => page.evaluate((c) => (window as unknown as { __stub: StubControl }).__stub.menu(c), cmd);

/** Waits until the step count stops changing, then returns it. */
async function settledSteps(page: Page): Promise<number> {
  let last = -1;
  for (;;) {
    const now = await stepCount(page);
    if (now === last) return now;
    last = now;
    await page.waitForTimeout(600);
  }
}

test.beforeEach(async ({ page }) => {
  await installStub(page);
  await openLab(page);
});

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

test('a finished run is saved with the losses the UI showed, exported from the menu, and comparable from the library', async ({ page }) => {
  const notices = page.getByRole('status', { name: 'Notices' });
  // The library's start-up listing set a corrupt file aside: the user is told.
  await expect(notices).toContainText(SET_ASIDE);

  await page.getByLabel('Steps', { exact: true }).fill('300');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(1);
  const first = await currentLoss(page);
  expect(first).toBeGreaterThan(0);
  expect((await calls(page)).openRun).toBe(1); // the Electron host, through window.nnlab

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 30_000 }).toBe('completed');
  await expect.poll(async () => (await calls(page)).saveRun.length).toBe(1);

  const shownSteps = await stepCount(page);
  const shownLast = await currentLoss(page);
  expect(shownSteps).toBe(300);
  const saved = (await calls(page)).saveRun[0]!;
  // What main would do with it: the object must pass the library's own schema.
  expect(SavedRunSchema.safeParse(saved).success).toBe(true);
  expect(saved.status).toBe('completed');
  expect(saved.failure).toBeNull();
  expect(saved.steps).toBe(shownSteps);
  expect(saved.losses).toHaveLength(shownSteps);
  expect(saved.losses[0]).toBe(first);
  expect(saved.losses.at(-1)).toBe(shownLast);
  expect(saved.losses.at(-1)!).toBeLessThan(first);
  expect(saved.experiment).toMatchObject({ steps: 300, learningRate: 1e-5 });

  const runsPanel = page.getByRole('region', { name: 'Runs', exact: true });
  await expect(runsPanel.getByRole('listitem').first()).toContainText('saved');

  // File ▸ Export run as CSV: the current run, in that format.
  await menu(page, { command: 'export', format: 'csv' });
  await expect.poll(async () => (await calls(page)).exportRun.length).toBe(1);
  const exported = (await calls(page)).exportRun[0]!;
  expect(exported.format).toBe('csv');
  expect(exported.run.id).toBe(saved.id);
  expect(exported.run.status).toBe('completed');
  expect(exported.run.losses).toEqual(saved.losses);
  await expect(notices).toContainText('Run CSV saved to /home/student/run.csv');

  // The saved run joins the runs panel for comparison.
  const library = page.getByRole('region', { name: 'Saved runs' });
  await library.getByRole('button', { name: new RegExp(`^Compare saved run ${escapeRe(saved.name)} \\(completed`) }).click();
  const table = page.getByRole('table', { name: 'Comparison of shown runs' });
  await expect(table.getByRole('rowheader')).toHaveText([saved.name, `Saved · ${saved.name}`]);
  const savedRow = table.getByRole('row').nth(2);
  await expect(savedRow).toContainText('completed');
  await expect(savedRow).toContainText('300');
  // The active run is still the one trained here.
  expect(await stepCount(page)).toBe(300);
});

test('a trainer killed mid-run marks the run failed, keeps and saves its data; Train starts afresh', async ({ page }) => {
  await page.getByLabel('Steps', { exact: true }).fill('2000000');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(3000);

  await page.evaluate(() => (window as unknown as { __stub: StubControl }).__stub.kill('trainer process killed (exit code 9)'));
  await expect.poll(() => state(page)).toBe('failed');
  const why = 'the trainer process ended: trainer process killed (exit code 9)';
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText(`Failed: ${why}`);
  await expect(page.getByRole('alert').filter({ hasText: 'Training failed.' })).toContainText(why);
  await expect(page.getByRole('region', { name: 'Runs', exact: true }).getByRole('listitem').first()).toContainText(`failed: ${why}`);

  const steps = await settledSteps(page);
  expect(steps).toBeGreaterThan(3000); // the data so far is kept
  const shownLast = await currentLoss(page);
  await expect.poll(async () => (await calls(page)).saveRun.length).toBe(1);
  const saved = (await calls(page)).saveRun[0]!;
  expect(SavedRunSchema.safeParse(saved).success).toBe(true);
  expect(saved.status).toBe('failed');
  expect(saved.failure).toBe(why);
  expect(saved.steps).toBe(steps);
  expect(saved.losses).toHaveLength(steps);
  expect(saved.losses.at(-1)).toBe(shownLast);
  await expect(page.getByRole('alert').filter({ hasText: 'Training failed.' })).toContainText('steps are kept and saved');
  // The failure banner, the notices and the saved-runs list pass the same accessibility bar as the rest.
  await expect(page.getByRole('region', { name: 'Saved runs' }).getByRole('button', { name: /\(failed,/ })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`)).toEqual([]);

  // A fresh trainer for the next run.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(async () => (await calls(page)).openRun).toBe(2);
  await expect.poll(() => state(page)).toBe('training');
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
});

test('File menu: open loads the file into the controls, save as saves the editor, new starts fresh', async ({ page }) => {
  const notices = page.getByRole('status', { name: 'Notices' });
  const experiment = {
    version: 1,
    name: 'xor-from-disk',
    seed: 5,
    learningRate: 0.0025,
    steps: 77,
    data: { kind: 'xor' },
    layers: [
      { units: 6, activation: 'tanh' },
      { units: 1, activation: 'sigmoid' },
    ],
  };
  await menu(page, { command: 'opened', result: { ok: true, path: '/home/student/xor.json', experiment } as never });
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.0025');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('77');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('5');
  await expect(page.getByLabel('Layer 1 units', { exact: true })).toHaveValue('6');
  await expect(page.getByLabel('Layer 1 activation', { exact: true })).toHaveValue('tanh');
  await expect(page.getByLabel('Preset', { exact: true })).toHaveValue('');
  await expect(notices).toContainText('Opened /home/student/xor.json.');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();

  await menu(page, { command: 'opened', result: { ok: false, message: 'xor.json is not an nnlab experiment: learningRate: must be a positive number' } });
  await expect(notices.getByRole('alert').filter({ hasText: 'Could not open' })).toHaveText(/^Could not open the experiment: xor\.json is not an nnlab experiment: learningRate: must be a positive number/);
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.0025');

  await page.getByLabel('Learning rate', { exact: true }).fill('0.004');
  await menu(page, { command: 'save-as' });
  await expect.poll(async () => (await calls(page)).saveExperimentAs.length).toBe(1);
  const written = (await calls(page)).saveExperimentAs[0]!;
  expect(written).toMatchObject({ name: 'xor-from-disk', learningRate: 0.004, steps: 77, seed: 5, data: { kind: 'xor' } });
  await expect(notices).toContainText('Experiment saved to /home/student/xor-from-disk.json');

  // Nothing trained yet: export says so instead of writing an empty file.
  await menu(page, { command: 'export', format: 'json' });
  await expect(notices).toContainText('Nothing to export yet: train a run first.');
  expect((await calls(page)).exportRun).toHaveLength(0);

  await menu(page, { command: 'new' });
  await expect(page.getByLabel('Preset', { exact: true })).toHaveValue('seed-004-quadrants');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.00001');

  // Notices can be dismissed.
  const count = await notices.locator('p').count();
  await notices.getByRole('button', { name: /^Dismiss: New experiment/ }).click();
  await expect(notices.locator('p')).toHaveCount(count - 1);
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

test('"Export this step as numpy" and the Runs panel\'s CSV ask main to save (no download), and main\'s step script prints the step Last update shows', async ({ page }) => {
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await choosePreset(page, 'seed-004-quadrants');
  for (let i = 1; i <= 2; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => stepCount(page)).toBe(i);
  }
  const region = page.getByRole('region', { name: 'Last update' });
  await expect(region).toContainText('Step 2 of');
  await region.getByLabel('Sample').selectOption('5');
  await expect(region.getByTestId('sample-record')).toHaveAttribute('data-row', '5');
  await region.getByRole('button', { name: 'Export this step as numpy' }).click();
  await expect.poll(async () => (await calls(page)).exportStep.length).toBe(1);
  const { experiment, explain } = (await calls(page)).exportStep[0]!;
  expect(explain).toEqual({ step: 1, sampleRow: 5 });
  expect(experiment).toMatchObject({ name: 'seed-004-quadrants', learningRate: 1e-5 });
  await expect(page.getByRole('status', { name: 'Notices' })).toContainText('Step 2 numpy script saved to /home/student/step-2.py');
  // The Runs panel's CSV button goes to main too.
  const label = (await page.getByRole('table', { name: 'Comparison of shown runs' }).getByRole('rowheader').first().innerText()).trim();
  await page.getByRole('region', { name: 'Runs', exact: true }).getByRole('button', { name: `Export ${label} as CSV` }).click();
  await expect.poll(async () => (await calls(page)).exportRun.length).toBe(1);
  expect((await calls(page)).exportRun[0]).toMatchObject({ format: 'csv', run: { name: label, steps: 2 } });
  await expect(page.getByRole('status', { name: 'Notices' })).toContainText('Run CSV saved to /home/student/run.csv');
  expect(downloads).toEqual([]);

  // What main writes for those arguments (its pure half, main/electron-main/export.ts), run by numpy.
  test.skip(!hasNumpy, 'needs python3 with numpy');
  const file = join(mkdtempSync(join(tmpdir(), 'nnlab-step-')), 'step.py');
  writeFileSync(file, exportStep(experiment, explain));
  const out = spawnSync('python3', [file], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  const np = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { step: number; lossBefore: number; lossAfter: number; sample: { row: number } };
  expect(np.step).toBe(1);
  expect(np.sample.row).toBe(5);
  // numpy sums in another order: equal to rounding (the project's 1e-8 relative parity bound).
  for (const [id, theirs] of [
    ['loss-before', np.lossBefore],
    ['loss-after', np.lossAfter],
  ] as const) {
    const mine = Number(await region.getByTestId(id).getAttribute('data-value'));
    expect(Math.abs(mine - theirs) / Math.abs(theirs), id).toBeLessThanOrEqual(1e-8);
  }
});

test('Save lab, Export numpy and Save lesson file ask main to save (no download), with arguments main\'s own checks accept', async ({ page }) => {
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  const notices = page.getByRole('status', { name: 'Notices' });
  await choosePreset(page, 'seed-004-quadrants');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepCount(page)).toBe(1);

  await page.getByRole('button', { name: 'Save lab' }).click();
  await expect.poll(async () => (await calls(page)).saveLabFile.length).toBe(1);
  await expect(notices).toContainText('Lab saved to /home/student/lab.json');
  // The lab file as main receives it passes main's own argument check, and carries the run that stepped.
  const [lab] = parseCall('nnlab:save-lab-file', (await calls(page)).saveLabFile[0]!);
  expect(lab).toMatchObject({ format: 'nnlab-lab', draft: { presetId: 'seed-004-quadrants' } });
  expect(lab.runs).toHaveLength(1);
  expect(lab.runs![0]!.run.steps).toBe(1);

  await page.getByRole('button', { name: 'Export numpy' }).click();
  await expect.poll(async () => (await calls(page)).exportNumpy.length).toBe(1);
  await expect(notices).toContainText('Numpy script saved to /home/student/experiment.py');
  expect(parseCall('nnlab:export-numpy', (await calls(page)).exportNumpy[0]!)[0]).toMatchObject({ name: 'seed-004-quadrants' });

  await page.getByText('Save as lesson').click();
  await page.getByLabel('Lesson title').fill('Quadrants, one step');
  await page.getByLabel('Step text').fill('Take one step and read the loss.');
  await page.getByRole('button', { name: 'Save lesson file' }).click();
  await expect.poll(async () => (await calls(page)).saveLabFile.length).toBe(2);
  await expect(notices).toContainText('Lesson saved to /home/student/lesson.json');
  await expect(page.getByRole('status').filter({ hasText: 'Saved 1 step.' })).toBeVisible();
  const [lesson] = parseCall('nnlab:save-lab-file', (await calls(page)).saveLabFile[1]!);
  expect(lesson.lesson).toMatchObject({ title: 'Quadrants, one step', steps: [{ text: 'Take one step and read the loss.' }] });
  expect(downloads).toEqual([]);
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('the desktop runs sweeps on utility-process workers: the panel is enabled, a sweep completes, a killed worker fails one run', async ({ page }) => {
  test.setTimeout(120_000);
  const panel = page.getByRole('region', { name: 'Sweep' });
  await expect(panel.getByRole('button', { name: 'Run sweep' })).toBeEnabled();
  await expect(panel).not.toContainText('no sweep pool');
  await expect(page.getByLabel('Seeds per scheme (Compare)')).toBeVisible();

  await page.getByLabel('Steps', { exact: true }).fill('200');
  await panel.getByLabel('learningRate values').fill('1e-6, 1e-5');
  await panel.getByLabel('init.weights values').fill('xavier, he');
  await panel.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-status')).toContainText('done · 4 of 4 runs ended', { timeout: 60_000 });
  await expect(page.getByRole('table', { name: 'Sweep results' }).locator('tbody tr')).toHaveCount(4);
  const first = await calls(page);
  // The pool asked main for sweep workers (never for plain trainers), and closed each when done.
  expect(first.openRun).toBe(0);
  expect(first.openSweep).toBeGreaterThanOrEqual(1);
  expect(first.closeRun.filter((id) => id.startsWith('sweep'))).toHaveLength(first.openSweep);
  expect(await page.evaluate(() => (window as unknown as { __stub: StubControl }).__stub.live())).toEqual([]);
  // Export CSV asks main (no download), with rows main's own check accepts.
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await panel.getByRole('button', { name: 'Export CSV' }).click();
  await expect.poll(async () => (await calls(page)).exportSweepCsv.length).toBe(1);
  const [rows, axisNames] = parseCall('nnlab:export-sweep-csv', (await calls(page)).exportSweepCsv[0]!);
  expect(rows).toHaveLength(4);
  expect([...axisNames].sort()).toEqual(['init.weights', 'learningRate']);
  await expect(page.getByRole('status', { name: 'Notices' })).toContainText('Sweep CSV saved to /home/student/sweep-results.csv');
  expect(downloads).toEqual([]);

  // A longer sweep; one worker's process dies mid-run: that run fails, the others finish.
  await page.getByLabel('Steps', { exact: true }).fill('20000');
  await panel.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByRole('progressbar', { name: 'Sweep progress' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __stub: StubControl }).__stub.live().length)).toBeGreaterThan(0);
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    const stub = (window as unknown as { __stub: StubControl }).__stub;
    stub.kill('killed (exit code 9)', stub.live()[0]);
  });
  await expect(page.getByTestId('sweep-status')).toContainText('done · 4 of 4 runs ended · 1 failed', { timeout: 90_000 });
  await expect(page.getByRole('table', { name: 'Sweep results' })).toContainText('the sweep worker process ended: killed (exit code 9)');
});

test('Import CSV… on the desktop goes through main’s file dialog (window.nnlab.openCsvFile), and the run trains on the rows', async ({ page }) => {
  const region = page.getByRole('region', { name: 'Your own data' });
  await region.getByRole('button', { name: 'Import CSV…' }).click();
  await expect(region).toContainText('desktop.csv: 40 rows, 3 columns, separated by “;”.');
  await expect(region.getByLabel('Target column')).toHaveValue('class');
  await region.getByRole('button', { name: 'Use this data' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('Using desktop.csv: 40 rows, 2 features → 2 classes (even, odd).');
  await page.getByLabel('Steps', { exact: true }).fill('50');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => state(page), { timeout: 30_000 }).toBe('completed');
  await expect(page.locator('canvas.decision-map')).toHaveAttribute('aria-label', /^Decision regions for 2 classes/);
});
