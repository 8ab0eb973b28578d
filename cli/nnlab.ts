/**
 * `nnlab`: the core on the command line. Errors are one readable message and a non-zero exit,
 * never a stack trace: the people typing these commands are learning, not debugging nnlab.
 */
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import writeFileAtomic from 'write-file-atomic';
import { exportNumpy, FLOAT32_NOTE, parseExperiment, parseExperimentJson, parseSweep, parseSweepJson, presetById, PRESETS, resolveCsvExperiment, Trainer, type Experiment, type SweepPoint, type SweepProgress } from '../core';
import { defaultWorkerCount, runSweepOnThreads } from '../node/sweep-pool';
import { createThreadedWasmBackend, type ThreadedBackend } from '../node/kernel-threads';
import { availableParallelism } from 'node:os';
import { enableWideKernels } from '../node/wide-kernels';
import { destinationProblem, ResultWriteError, writeResultFile, type ResultFs } from './result-file';

/** Exit codes, as the README documents them. */
export const EXIT = {
  ok: 0,
  /** A bug in nnlab. */
  internal: 1,
  /** Bad usage or input: unknown command or option, invalid experiment, unusable --out. Nothing was trained. */
  usage: 2,
  /** The run diverged (the loss stopped being finite); the result is still written with --out. */
  diverged: 3,
  /** The result file could not be written (disk full, permissions); an old file at that path is unchanged. */
  write: 4,
} as const;

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const USAGE = `usage:
  nnlab presets                           list the built-in experiments
  nnlab preset <id>                       print a preset as an experiment file
  nnlab train <experiment.json> [--out run.json] [--quiet] [--threads 1|2]
                                          train; progress on stderr, result file with --out;
                                          large passes split over 2 kernel threads on a multi-core
                                          machine (same numbers bit for bit), --threads 1 keeps one
  nnlab sweep <sweep.json> --out results.json [--runs-dir DIR] [--workers N]
                                          train every grid point on a pool of workers (one per core);
                                          --runs-dir keeps each run's full result and experiment
  nnlab export-numpy <experiment.json>    print a standalone numpy script of the experiment
  nnlab --version                         print nnlab's version
exit codes: 0 ok, 1 internal error, 2 bad usage or input, 3 diverged, 4 result not written, 130 interrupted`;

export class UsageError extends Error {}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws one line) or not (a line every few seconds). */
  stderrIsTTY: boolean;
  /** Ends a sweep early as Ctrl-C does (the entry point wires SIGINT here). */
  interrupt?: AbortSignal;
  /** The file system --out writes through (a test hands in a full disk). */
  fs?: ResultFs;
}

/** Exit code after Ctrl-C (128 + SIGINT), what shells expect of an interrupted command. */
export const EXIT_INTERRUPTED = 130;

function readExperiment(path: string): Experiment {
  const r = parseExperimentJson(readText(path));
  if (!r.ok) throw new UsageError(`${path} is not a valid nnlab experiment:\n${r.message.replace(/^/gm, '  ')}`);
  return r.experiment;
}

/**
 * The experiment ready to train, and the one to export: a csv reference's file (relative to the
 * experiment's folder) is read, checked against its SHA-256 and turned into inline rows for training;
 * the export keeps the reference, with the file's absolute path and the separator and class order read from it.
 */
function loadExperiment(path: string): { experiment: Experiment; forExport: Experiment; resolved: Experiment } {
  return readCsvData(readExperiment(path), path, '');
}

/** `exp` with its csv reference (if any) read relative to `path`'s folder; `field` prefixes the messages (a sweep's "base."). */
function readCsvData(exp: Experiment, path: string, field: string): { experiment: Experiment; forExport: Experiment; resolved: Experiment } {
  if (exp.data.kind !== 'csv') return { experiment: exp, forExport: exp, resolved: exp };
  const csvPath = resolve(dirname(path), exp.data.path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(csvPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${field}data.path: cannot read ${csvPath}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  const r = resolveCsvExperiment(exp, bytes);
  if (!r.ok) throw new UsageError(`${path}: ${field}${r.message.replace(/\n/g, `\n${field}`)}`);
  return { experiment: r.experiment, forExport: { ...exp, data: { ...r.reference!, path: csvPath } }, resolved: r.experiment };
}

async function train(args: string[], io: Io): Promise<number> {
  let out: string | undefined;
  let quiet = false;
  let threads = availableParallelism() >= 2 ? 2 : 1;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--out' || a === '-o') {
      out = args[++i];
      if (!out) throw new UsageError('--out needs a file name');
    } else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--threads' || a.startsWith('--threads=')) {
      const v = a === '--threads' ? args[++i] : a.slice('--threads='.length);
      if (v !== '1' && v !== '2') throw new UsageError(`--threads must be 1 or 2 (got ${v ?? 'nothing'})`);
      threads = Number(v);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('train needs exactly one experiment file');
  const exp = loadExperiment(files[0]!).experiment;
  // Before training, not after: a run can take minutes, and its result must have somewhere to go.
  const problem = out !== undefined ? destinationProblem(out, io.fs) : null;
  if (problem) throw new UsageError(`cannot write the result to ${problem}`);
  // A second kernel thread where this run's passes would use it (core/trainer.ts passParts): the
  // same numbers bit for bit, and a thread costs ~30 ms to start, so small runs keep one.
  let backend: ThreadedBackend | null = null;
  let trainer: Trainer;
  try {
    if (threads > 1 && Trainer.splitsPasses(exp)) backend = await createThreadedWasmBackend({ precision: exp.precision ?? 'float64', threads });
    trainer = new Trainer(exp, backend ? { backend } : {});
  } catch (e) {
    await backend?.close();
    throw new UsageError((e as Error).message);
  }
  try {
    return await trainLoop(trainer, exp, out, quiet, io, backend ? backend.threads : 1);
  } finally {
    await backend?.close();
  }
}

async function trainLoop(trainer: Trainer, exp: Experiment, out: string | undefined, quiet: boolean, io: Io, threads: number): Promise<number> {

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
    io.stderr(`completed ${result.steps} steps in ${elapsed.toFixed(2)} s${threads > 1 ? ` on ${threads} kernel threads` : ''}, final loss ${result.losses.at(-1) ?? NaN}\n`);
  }
  // JSON has no Infinity or NaN (JSON.stringify would write null, which means "not applicable" in the
  // history): a diverging layer's non-finite values are written as the strings "Infinity", "-Infinity", "NaN".
  const text = JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n';
  if (out !== undefined) writeResultFile(out, text, io.fs);
  return result.status === 'diverged' ? EXIT.diverged : EXIT.ok;
}

/** A sweep file; a base experiment's csv reference is read (relative to the sweep file) before the grid is built from it. */
function readSweep(path: string) {
  const text = readText(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return parseSweepJson(text);
  }
  const base = (raw as { base?: { data?: { kind?: unknown } } } | null)?.base;
  if (base?.data?.kind === 'csv') {
    const p = parseExperiment(base);
    if (p.ok) (raw as { base: unknown }).base = readCsvData(p.experiment, path, 'base.').experiment;
  }
  return parseSweep(raw);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
}

/** Refuses an --out that could not be written, before any run spends time on it. */
function checkWritableFile(path: string, flag: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) throw new UsageError(`${flag} ${path} is a directory; give a file name`);
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new Error();
    accessSync(dir, constants.W_OK);
    if (st) accessSync(path, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path} cannot be written (${dir} is missing or not writable)`);
  }
}

function checkRunsDir(path: string): void {
  try {
    if (!statSync(path).isDirectory()) throw new UsageError(`--runs-dir ${path} is a file, not a directory`);
    accessSync(path, constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--runs-dir ${path} is not writable`);
    checkWritableFile(path, '--runs-dir');
  }
}

const runName = (p: SweepPoint, total: number) => `run-${String(p.index).padStart(Math.max(4, String(total - 1).length), '0')}`;

function progressLine(p: SweepProgress, seconds: number): string {
  const width = 24;
  const filled = Math.round(p.fraction * width);
  const extra = [p.running.length ? `${p.running.length} running` : '', p.diverged ? `${p.diverged} diverged` : '', p.failed ? `${p.failed} failed` : ''].filter(Boolean).join(', ');
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.finished}/${p.total} runs${extra ? ` (${extra})` : ''}  ${seconds.toFixed(1)} s`;
}

async function sweep(args: string[], io: Io): Promise<number> {
  let out: string | undefined;
  let runsDir: string | undefined;
  let workers = defaultWorkerCount();
  const files: string[] = [];
  const value = (i: number, flag: string) => {
    const v = args[i];
    if (!v) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--out' || flag === '-o') out = inline ?? value(++i, flag);
    else if (flag === '--runs-dir') runsDir = inline ?? value(++i, flag);
    else if (flag === '--workers' || flag === '-j') {
      const v = inline ?? value(++i, flag);
      workers = Number(v);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new UsageError(`--workers must be a whole number from 1 to 256 (got ${v})`);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('sweep needs exactly one sweep file');
  if (!out) throw new UsageError('sweep needs --out results.json (where the results go)');
  const r = readSweep(files[0]!);
  if (!r.ok) throw new UsageError(`${files[0]} is not a valid nnlab sweep:\n${r.message.replace(/^/gm, '  ')}`);
  checkWritableFile(out, '--out');
  if (runsDir) {
    checkRunsDir(runsDir);
    mkdirSync(runsDir, { recursive: true });
  }

  const points = r.points;
  const started = performance.now();
  let lastReport = -Infinity;
  const reportEvery = io.stderrIsTTY ? 100 : 2000;
  const writes: Promise<void>[] = [];
  io.stderr(`sweep: ${points.length} runs on ${Math.min(workers, points.length)} workers\n`);
  const results = await runSweepOnThreads(points, {
    workers,
    keepResults: Boolean(runsDir),
    signal: io.interrupt,
    onProgress: (p) => {
      const t = performance.now();
      if (t - lastReport < reportEvery && p.finished < p.total) return;
      lastReport = t;
      const line = progressLine(p, (t - started) / 1000);
      io.stderr(io.stderrIsTTY ? `\r${line}\x1b[K` : `${line}\n`);
    },
    onRun: (run, result) => {
      if (!runsDir || !result) return;
      const point = points[run.index]!;
      const name = join(runsDir, runName(point, points.length));
      writes.push(writeFileAtomic(`${name}.json`, JSON.stringify(result) + '\n'), writeFileAtomic(`${name}.experiment.json`, JSON.stringify(point.experiment, null, 2) + '\n'));
    },
  });
  await Promise.all(writes);
  writeResultFile(out, JSON.stringify(results, null, 1) + '\n', io.fs);
  if (io.stderrIsTTY) io.stderr('\n');
  const count = (s: string) => results.runs.filter((x) => x.status === s).length;
  const stopped = io.interrupt?.aborted ?? false;
  const summary = ['completed', 'diverged', 'failed', 'stopped'].map((s) => [s, count(s)] as const).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ');
  io.stderr(`${stopped ? 'stopped' : 'done'}: ${summary} in ${results.timing.seconds.toFixed(2)} s; results in ${out}\n`);
  for (const run of results.runs) if (run.status === 'failed') io.stderr(`run ${run.index} (${JSON.stringify(run.params)}) failed: ${run.error}\n`);
  return stopped ? EXIT_INTERRUPTED : 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  // Before any kernels compile: 256-bit products where this V8 can revectorize (node/wide-kernels.ts).
  enableWideKernels();
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
        return await train(args, io);
      case 'sweep':
        return await sweep(args, io);
      case 'export-numpy': {
        if (args.length !== 1) throw new UsageError('export-numpy needs exactly one experiment file');
        const { forExport: exp, resolved } = loadExperiment(args[0]!);
        if (exp.precision === 'float32') io.stderr(`nnlab: note: ${FLOAT32_NOTE}\n`);
        io.stdout(exportNumpy(exp, { resolved }));
        return 0;
      }
      case '--version':
      case '-V':
      case 'version':
        io.stdout(`nnlab ${VERSION}\n`);
        return 0;
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE + '\n');
        return 0;
      case undefined:
        // Exit 2, like any usage error: a script that calls nnlab with nothing has a bug to see.
        io.stderr(`nnlab: no command given\n${USAGE}\n`);
        return EXIT.usage;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`nnlab: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ResultWriteError) {
      io.stderr(`nnlab: ${e.message}\n`);
      return EXIT.write;
    }
    // Anything else is nnlab's fault: still no stack trace unless asked for.
    io.stderr(`nnlab: internal error: ${(e as Error).message}\n`);
    if (process.env.NNLAB_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && import.meta.url === new URL(process.argv[1], 'file://').href;
if (isEntry || process.env.NNLAB_CLI_ENTRY === '1') {
  // Ctrl-C once: stop cleanly (a sweep writes what it has); twice: leave at once.
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort();
    if (process.argv[2] !== 'sweep') process.exit(EXIT_INTERRUPTED);
  });
  // `nnlab presets | head -1`: the reader has gone and wants nothing more; end quietly. (Node
  // ignores SIGPIPE, so without this the closed pipe is an unhandled 'error' with a stack trace.)
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
  // stderr without a reader (EPIPE, then writes to a destroyed stream): there is nowhere left to
  // report anything, and the run and its --out file carry on.
  process.stderr.on('error', () => {});
  main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    interrupt: interrupt.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
