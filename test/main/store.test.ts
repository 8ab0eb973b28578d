import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RunRecorder } from '../../core/service/run-recorder';
import { MIGRATIONS, Store, checkDocument, nodeFs, slug, type StoreFs } from '../../main/electron-main/store';
import type { SavedRunData } from '../../core/contract/run-file';
import { xor } from './harness';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nnlab-store-'));
});

function finishedRun(id = 'run-1', steps = 5): SavedRunData {
  const rec = new RunRecorder(id, xor(steps));
  rec.apply({ type: 'status', phase: 'running', step: 0, totalSteps: steps, learningRate: 0.1, divergedAtStep: null });
  rec.apply({ type: 'progress', fromStep: 0, losses: Float64Array.from({ length: steps }, (_, i) => 1 / (i + 1)), testLosses: [], step: steps, learningRate: 0.1, stepsPerSecond: 100 });
  rec.apply({ type: 'status', phase: 'completed', step: steps, totalSteps: steps, learningRate: 0.1, divergedAtStep: null });
  return rec.toSavedRun();
}

describe('Store', () => {
  it('saves, lists and loads experiments and runs', async () => {
    const store = new Store(root);
    const saved = await store.saveExperiment({ ...xor(100), name: 'XOR, wide!' });
    expect(saved).toMatchObject({ ok: true, value: { id: 'xor-wide', name: 'XOR, wide!' } });
    expect(await store.listExperiments()).toEqual({ entries: [{ id: 'xor-wide', name: 'XOR, wide!', savedAt: '' }], notices: [] });
    expect(await store.loadExperiment('xor-wide')).toEqual({ ok: true, value: { ...xor(100), name: 'XOR, wide!' } });
    // The library file is the plain experiment format, readable by the CLI.
    expect(JSON.parse(readFileSync(join(root, 'experiments', 'xor-wide.json'), 'utf8')).version).toBe(1);

    const run = finishedRun();
    expect(await store.saveRun(run)).toMatchObject({ ok: true, value: { id: 'run-1' } });
    const listed = await store.listRuns();
    expect(listed.entries).toEqual([{ id: 'run-1', name: 'xor test', savedAt: run.endedAt, status: 'completed' }]);
    expect(await store.loadRun('run-1')).toEqual({ ok: true, value: run });
  });

  it('accepts a run whose losses are a Float64Array (as they arrive over IPC)', async () => {
    const store = new Store(root);
    const run = finishedRun('run-f64', 3);
    const r = await store.saveRun({ ...run, losses: Float64Array.from(run.losses) });
    expect(r.ok).toBe(true);
    expect(await store.loadRun('run-f64')).toEqual({ ok: true, value: run });
  });

  it('sets a corrupt file aside with a message, and lists the rest', async () => {
    const store = new Store(root);
    await store.saveExperiment(xor(10));
    writeFileSync(join(root, 'experiments', 'broken.json'), '{"version": 1, "seed": ');
    const listing = await store.listExperiments();
    expect(listing.entries.map((e) => e.id)).toEqual(['xor-test']);
    expect(listing.notices).toHaveLength(1);
    expect(listing.notices[0]).toMatch(/^experiments\/broken\.json was set aside \(not valid JSON \(.+\)\); it is now .*set-aside\/.*broken\.json$/);
    expect(existsSync(join(root, 'experiments', 'broken.json'))).toBe(false);
    const aside = readdirSync(join(root, 'set-aside'));
    expect(aside).toHaveLength(1);
    // Kept byte for byte for the user.
    expect(readFileSync(join(root, 'set-aside', aside[0]!), 'utf8')).toBe('{"version": 1, "seed": ');
    // Listing again: clean.
    expect((await store.listExperiments()).notices).toEqual([]);
  });

  it('sets aside foreign, newer and half-valid files instead of loading them half', async () => {
    const store = new Store(root);
    mkdirSync(join(root, 'runs'), { recursive: true });
    mkdirSync(join(root, 'experiments'), { recursive: true });
    writeFileSync(join(root, 'runs', 'foreign.json'), JSON.stringify({ format: 'something-else', version: 1 }));
    writeFileSync(join(root, 'runs', 'newer.json'), JSON.stringify({ ...finishedRun('newer'), version: 2 }));
    writeFileSync(join(root, 'runs', 'half.json'), JSON.stringify({ ...finishedRun('half'), losses: [0.5, 'x'] }));
    writeFileSync(join(root, 'experiments', 'bad-layer.json'), JSON.stringify({ ...xor(10), layers: [{ units: 3, activation: 'linear' }] }));
    const runs = await store.listRuns();
    expect(runs.entries).toEqual([]);
    expect(runs.notices.map((n) => n.replace(/; it is now .*/, ''))).toEqual([
      'runs/foreign.json was set aside (not an nnlab run (format is "something-else"))',
      'runs/half.json was set aside (invalid run: losses: must be an array of finite numbers)',
      'runs/newer.json was set aside (written by a newer nnlab (run format v2; this one reads up to v1))',
    ]);
    const exps = await store.listExperiments();
    expect(exps.notices[0]).toMatch(/^experiments\/bad-layer\.json was set aside \(invalid experiment: layers\[0\]\.units: must be 2 /);
    expect(readdirSync(join(root, 'set-aside'))).toHaveLength(4);
  });

  it('loads older formats through the migration hook', async () => {
    // A pretend v0 run format: what v1 calls `losses` was `lossHistory`.
    const migrations = { ...MIGRATIONS, run: { 0: ({ lossHistory, ...doc }: Record<string, unknown>) => ({ ...doc, losses: lossHistory, version: 1 }) } };
    const store = new Store(root, nodeFs, migrations);
    const { losses, ...v1 } = finishedRun('old');
    mkdirSync(join(root, 'runs'), { recursive: true });
    writeFileSync(join(root, 'runs', 'old.json'), JSON.stringify({ ...v1, version: 0, lossHistory: losses }));
    expect(await store.loadRun('old')).toEqual({ ok: true, value: { ...v1, losses } });
    // Without that migration the same file is refused, not half-read.
    expect(checkDocument('run', { ...v1, version: 0, lossHistory: losses })).toEqual({ ok: false, reason: 'run format v0 is not supported (no migration to v1)' });
  });

  it('writes atomically: a failed write leaves the previous file whole', async () => {
    let failNext = false;
    const flaky: StoreFs = {
      ...nodeFs,
      writeFileAtomic: async (p, text) => {
        if (failNext) {
          // What write-file-atomic guarantees on a crash mid-write: the temp file dies, the target is untouched.
          throw new Error('disk full');
        }
        await nodeFs.writeFileAtomic(p, text);
      },
    };
    const store = new Store(root, flaky);
    await store.saveRun(finishedRun('r', 5));
    failNext = true;
    await expect(store.saveRun(finishedRun('r', 50))).rejects.toThrow('disk full');
    expect((await store.loadRun('r')).ok && (await store.loadRun('r'))).toMatchObject({ value: { steps: 5 } });
  });

  it('never lets a reader see a half-written file while saves race', async () => {
    const store = new Store(root);
    const big = finishedRun('big', 20_000);
    await store.saveRun(big);
    const path = join(root, 'runs', 'big.json');
    let reads = 0;
    const writes = Promise.all(Array.from({ length: 8 }, (_, i) => store.saveRun({ ...big, name: `take ${i}` })));
    let writing = true;
    void writes.then(() => (writing = false));
    while (writing) {
      JSON.parse(readFileSync(path, 'utf8'));
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
    // No temp files left behind.
    expect(readdirSync(join(root, 'runs'))).toEqual(['big.json']);
  });

  it('refuses ids that could leave the folder', async () => {
    const store = new Store(root);
    expect(await store.loadExperiment('../../etc/passwd')).toEqual({ ok: false, message: '"../../etc/passwd" is not a valid experiment id' });
    expect(await store.saveRun({ ...finishedRun(), id: '../x' })).toMatchObject({ ok: false, message: expect.stringMatching(/^invalid run: id: must be/) });
  });

  it('keeps recent files most-recent-first, unique, at most ten, and survives a corrupt list', async () => {
    const store = new Store(root);
    for (let i = 0; i < 12; i++) await store.addRecent(`/files/${i}.json`);
    await store.addRecent('/files/5.json');
    const recent = await store.recentFiles();
    expect(recent).toHaveLength(10);
    expect(recent.slice(0, 3)).toEqual(['/files/5.json', '/files/11.json', '/files/10.json']);
    writeFileSync(join(root, 'recent.json'), 'garbage');
    expect(await store.recentFiles()).toEqual([]);
    expect(readdirSync(join(root, 'set-aside'))[0]).toMatch(/recent\.json$/);
  });

  it('reads a user-chosen experiment file without moving it, with field messages', async () => {
    const store = new Store(root);
    const file = join(root, 'mine.json');
    writeFileSync(file, JSON.stringify({ ...xor(10), learningRate: -1 }));
    expect(await store.readExperimentFile(file)).toEqual({ ok: false, reason: 'invalid experiment: learningRate: must be a positive number' });
    expect(existsSync(file)).toBe(true);
    expect(slug('  Über  Spiral #3 ')).toBe('uber-spiral-3');
  });
});
