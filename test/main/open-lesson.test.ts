/** File ▸ Open on the desktop: an experiment as before, or a lab file carrying a lesson, checked by the shared schema. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../core/lessons';
import { Store } from '../../main/electron-main/store';
import { xor } from './harness';
import { labDraft as draft } from '../helpers/lab-draft';


describe('File ▸ Open of a lab file with a lesson', () => {
  const root = mkdtempSync(join(tmpdir(), 'nnlab-open-'));
  const store = new Store(root);
  const write = (name: string, value: unknown) => {
    const p = join(root, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };

  it('opens a lesson file as a lab', async () => {
    const r = await store.readOpenableFile(write('lesson.json', { format: 'nnlab-lab', version: 1, draft, view: {}, lesson: LESSONS[2] }));
    expect(r.ok).toBe(true);
    if (r.ok && 'lab' in r.value) expect(r.value.lab.lesson?.title).toBe('Bias on and off');
    else throw new Error('not a lab');
  });

  it('still opens a plain experiment', async () => {
    const r = await store.readOpenableFile(write('xor.json', xor(50)));
    expect(r).toEqual({ ok: true, value: { experiment: xor(50) } });
  });

  it('refuses a bad lesson with one reason naming the field', async () => {
    const lesson = structuredClone(LESSONS[2]!) as { steps: { look?: string }[] };
    lesson.steps[1]!.look = 'nowhere';
    const r = await store.readOpenableFile(write('bad.json', { format: 'nnlab-lab', version: 1, draft, view: {}, lesson }));
    expect(r.ok ? '' : r.reason).toMatch(/^Not an nnlab lab file: lesson\.steps\[1\]\.look: /);
  });
});
