/**
 * `nnlab`: the core on the command line. Errors are one readable message and a non-zero exit,
 * never a stack trace: the people typing these commands are learning, not debugging nnlab.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import writeFileAtomic from 'write-file-atomic';
import { exportNumpy, parseExperimentJson, presetById, PRESETS, Trainer, type Experiment } from '../core';

const USAGE = `usage:
  nnlab presets                           list the built-in experiments
  nnlab preset <id>                       print a preset as an experiment file
  nnlab train <experiment.json> [--out run.json] [--quiet]
                                          train; progress on stderr, result file with --out
  nnlab export-numpy <experiment.json>    print a standalone numpy script of the experiment`;

export class UsageError extends Error {}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws one line) or not (a line every few seconds). */
  stderrIsTTY: boolean;
}

function readExperiment(path: string): Experiment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  const r = parseExperimentJson(text);
  if (!r.ok) throw new UsageError(`${path} is not a valid nnlab experiment:\n${r.message.replace(/^/gm, '  ')}`);
  return r.experiment;
}

async function train(args: string[], io: Io): Promise<void> {
  let out: string | undefined;
  let quiet = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--out' || a === '-o') {
      out = args[++i];
      if (!out) throw new UsageError('--out needs a file name');
    } else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('train needs exactly one experiment file');
  const exp = readExperiment(files[0]!);
  let trainer: Trainer;
  try {
    trainer = new Trainer(exp);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  // Slices of ~0.1 s keep progress lines coming without measurable overhead.
  let slice = 1;
  let elapsed = 0;
  let lastReport = -Infinity;
  const reportEvery = io.stderrIsTTY ? 0.25 : 2;
  while (!trainer.finished) {
    const t0 = performance.now();
    trainer.run(slice);
    const dt = (performance.now() - t0) / 1000;
    elapsed += dt;
    if (dt < 0.05) slice *= 2;
    if (!quiet && (elapsed - lastReport >= reportEvery || trainer.finished)) {
      lastReport = elapsed;
      const rate = elapsed > 0 ? trainer.step / elapsed : 0;
      const line = `step ${trainer.step}/${exp.steps}  loss ${trainer.lastLoss.toPrecision(6)}  ${rate.toFixed(0)} steps/s`;
      io.stderr(io.stderrIsTTY ? `\r${line}\x1b[K` : `${line}\n`);
    }
  }
  const result = trainer.result(elapsed);
  if (!quiet && io.stderrIsTTY) io.stderr('\n');
  if (result.status === 'diverged') {
    io.stderr(`diverged at step ${result.divergedAtStep}: the loss became ${trainer.lastLoss}. Try a smaller learning rate (now ${exp.learningRate}) or a scaled init (xavier, he).\n`);
  } else if (!quiet) {
    io.stderr(`completed ${result.steps} steps in ${elapsed.toFixed(2)} s, final loss ${result.losses.at(-1) ?? NaN}\n`);
  }
  // JSON has no Infinity or NaN (JSON.stringify would write null, which means "not applicable" in the
  // history): a diverging layer's non-finite values are written as the strings "Infinity", "-Infinity", "NaN".
  if (out) await writeFileAtomic(out, JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'presets': {
        const width = Math.max(...PRESETS.map((p) => p.id.length));
        for (const p of PRESETS) io.stdout(`${p.id.padEnd(width)}  ${p.description}\n`);
        return 0;
      }
      case 'preset': {
        const id = args[0];
        if (!id) throw new UsageError('preset needs an id; `nnlab presets` lists them');
        const p = presetById(id);
        if (!p) throw new UsageError(`no preset "${id}"; \`nnlab presets\` lists them`);
        io.stdout(JSON.stringify(p.experiment, null, 2) + '\n');
        return 0;
      }
      case 'train':
        await train(args, io);
        return 0;
      case 'export-numpy': {
        if (args.length !== 1) throw new UsageError('export-numpy needs exactly one experiment file');
        io.stdout(exportNumpy(readExperiment(args[0]!)));
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`nnlab: ${e.message}\n`);
      return 2;
    }
    // Anything else is nnlab's fault: still no stack trace unless asked for.
    io.stderr(`nnlab: internal error: ${(e as Error).message}\n`);
    if (process.env.NNLAB_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && import.meta.url === new URL(process.argv[1], 'file://').href;
if (isEntry || process.env.NNLAB_CLI_ENTRY === '1') {
  main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  }).then((code) => {
    process.exitCode = code;
  });
}
