/**
 * The `--out` file: checked before training, written so that a failure never costs the old file.
 *
 * Not write-file-atomic, which the app uses: it writes its data with one `write()` and does not
 * look at the count, so a full disk's short write became a truncated result renamed over a good
 * one; and it follows the target to its real path, so `--out /dev/null` would rename a regular
 * file over the device.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The calls used, so a test can hand in a disk that fills up. */
export type ResultFs = Pick<typeof nodeFs, 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync' | 'statSync' | 'accessSync'>;

/** Why `path` cannot take a result, or null when it can. Runs before training: nothing is lost yet. */
export function destinationProblem(path: string, fs: ResultFs = nodeFs): string | null {
  const abs = resolve(path);
  const dir = dirname(abs);
  let existing: nodeFs.Stats | null = null;
  try {
    existing = fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return `${path}: ${dir} is not a folder`;
    if (code !== 'ENOENT') return `${path}: ${(e as Error).message}`;
  }
  if (existing?.isDirectory()) return `${path} is a folder; give a file name, e.g. ${join(path, 'run.json')}`;
  if (existing && !existing.isFile()) return `${path} is not a regular file (a device, pipe or socket); nnlab writes results only to regular files`;
  try {
    if (!fs.statSync(dir).isDirectory()) return `${path}: ${dir} is not a folder`;
  } catch {
    return `${path}: the folder ${dir} does not exist`;
  }
  try {
    // The result goes to a temporary file beside the target, then replaces it: the folder must be writable.
    fs.accessSync(dir, nodeFs.constants.W_OK);
    if (existing) fs.accessSync(abs, nodeFs.constants.W_OK);
  } catch {
    return `${path}: no permission to write ${existing ? 'it' : `into ${dir}`}`;
  }
  return null;
}

export class ResultWriteError extends Error {}

/**
 * Writes `text` to a temporary file in the target's folder, checks every byte was written, fsyncs,
 * and renames it over `path`. Any failure removes the temporary file and throws a one-line
 * ResultWriteError; `path` is then exactly as it was.
 */
export function writeResultFile(path: string, text: string, fs: ResultFs = nodeFs): void {
  const problem = destinationProblem(path, fs);
  if (problem) throw new ResultWriteError(`cannot write ${problem}`);
  const abs = resolve(path);
  const data = Buffer.from(text, 'utf8');
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${Date.now()}.tmp`);
  let existed = false;
  let mode = 0o644;
  try {
    mode = fs.statSync(abs).mode & 0o777;
    existed = true;
  } catch {
    // a new file
  }
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    let written = 0;
    while (written < data.length) {
      const n = fs.writeSync(fd, data, written, data.length - written);
      if (!(n > 0)) throw Object.assign(new Error(`wrote ${written} of ${data.length} bytes`), { code: 'ENOSPC' });
      written += n;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    const size = fs.statSync(tmp).size;
    if (size !== data.length) throw new Error(`the file holds ${size} of ${data.length} bytes`);
    fs.renameSync(tmp, abs);
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created
    }
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOSPC' ? `the disk is full (${err.message})` : err.message;
    throw new ResultWriteError(`cannot write ${path}: ${why.split('\n')[0]}; ${existed ? 'the old file is unchanged' : 'no file was written'}`);
  }
}
