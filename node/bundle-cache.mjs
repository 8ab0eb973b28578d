/**
 * TypeScript shared with the app, bundled by esbuild into one minified CommonJS file and kept on disk
 * (node_modules/.cache/nnlab) with the list of files it was made from; rebuilt only when one of them
 * changed (a few stat calls at each start). Loading TypeScript through tsx costs every start: the CLI
 * took 0.37–0.54 s to print its help that way, 0.15–0.18 s from its bundle (five runs each); a sweep
 * worker thread loads its bundle the same way. Plain JavaScript so that bin/nnlab.mjs can use it
 * before any TypeScript loader.
 *
 * `import.meta.url` is replaced, file by file, with that file's own URL, so code that finds files
 * beside itself (package.json, the sweep worker's entry) finds them from the bundle as from source.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import writeFileAtomic from 'write-file-atomic';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'nnlab');

/** How the bundle is built; a manifest built otherwise is rebuilt. */
const BUILD = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true };
/** Bumped when the plugin's rewriting changes (bundles made by another version are rebuilt). */
const PLUGINS = 'meta-url-1';

/** @type {Map<string, import('./bundle-cache.d.mts').Bundle>} */
const inMemory = new Map();

/** @param {string} path */
const stamp = (path) => {
  const s = statSync(path);
  return [path, s.mtimeMs, s.size];
};

/** @param {[string, number, number]} s */
const unchanged = ([path, mtimeMs, size]) => {
  try {
    const s = statSync(path);
    return s.mtimeMs === mtimeMs && s.size === size;
  } catch {
    return false;
  }
};

/** Each of our own files that reads import.meta.url gets its own URL in its place. */
const metaUrl = {
  name: 'meta-url',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.(ts|tsx|mts|mjs|js)$/ }, (args) => {
      if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const loader = /\.tsx?$|\.mts$/.test(args.path) ? (args.path.endsWith('x') ? 'tsx' : 'ts') : 'js';
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader };
    });
  },
};

/** esbuild, or null where it is not installed (an installed app). */
function loadEsbuild() {
  try {
    return /** @type {typeof import('esbuild')} */ (createRequire(import.meta.url)('esbuild'));
  } catch {
    return null;
  }
}

/** @param {string} entry @param {string} name */
const manifestOf = (entry, name) => join(CACHE_DIR, `${name}-${createHash('sha256').update(entry).digest('hex').slice(0, 16)}.json`);

/** The bundle on disk if it was made by this esbuild and config from files all as they are now. */
function fromDisk(esbuild, manifestFile, config) {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.esbuild === esbuild.version && manifest.build === config && unchanged(manifest.bundle) && manifest.inputs.every(unchanged)) return { file: manifest.bundle[0] };
  } catch {
    // Not built yet (or unreadable): build it.
  }
  return null;
}

/** Writes a build's bundle and manifest; where the disk is read-only, the code to keep in memory. */
function toDisk(esbuild, out, manifestFile, config, name) {
  const code = out.outputFiles[0].text;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Named by content, so a process still loading an older bundle never sees it change.
    const bundle = join(CACHE_DIR, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`);
    writeFileAtomic.sync(bundle, code);
    const inputs = Object.keys(out.metafile.inputs).map((p) => stamp(isAbsolute(p) ? p : join(ROOT, p)));
    writeFileAtomic.sync(manifestFile, JSON.stringify({ esbuild: esbuild.version, build: config, bundle: stamp(bundle), inputs }));
    pruneOldBundles(name);
    return { file: bundle };
  } catch {
    return { code };
  }
}

/**
 * The bundle kept for `entry` (in memory, or on disk and still current), as `{ found }`; else what
 * building it needs.
 * @param {string} entry @param {string} name @param {string} config
 */
function lookup(entry, name, config) {
  const key = `${name}:${entry}`;
  const kept = inMemory.get(key);
  if (kept !== undefined) return { found: kept };
  const esbuild = loadEsbuild();
  if (!esbuild) return { found: remember(key, null) };
  const manifestFile = manifestOf(entry, name);
  const cached = fromDisk(esbuild, manifestFile, config);
  if (cached) return { found: cached };
  return { key, esbuild, manifestFile };
}

/**
 * A fresh build written to the disk cache, or kept in memory where it cannot be written.
 * @param {{ key: string, esbuild: typeof import('esbuild'), manifestFile: string }} miss
 * @param {import('esbuild').BuildResult & { outputFiles: import('esbuild').OutputFile[], metafile: import('esbuild').Metafile }} out
 * @param {string} config @param {string} name
 */
function keep(miss, out, config, name) {
  const made = toDisk(miss.esbuild, out, miss.manifestFile, config, name);
  return 'code' in made ? remember(miss.key, made) : made;
}

/**
 * The module at `entry` (a path) and everything it imports as one CommonJS script: a file from the
 * disk cache while every input is as it was, else bundled now; kept in memory only where it cannot
 * be written (`{ code }`); null without esbuild or when bundling fails. Synchronous, so without the
 * import.meta.url rewriting (esbuild runs plugins only in its asynchronous API): for modules that
 * do not read it (the sweep worker).
 * @param {string} entry
 * @param {string} name file-name prefix in the cache
 * @returns {import('./bundle-cache.d.mts').Bundle}
 */
export function cachedBundle(entry, name) {
  const config = JSON.stringify(BUILD);
  const miss = lookup(entry, name, config);
  if ('found' in miss) return miss.found;
  try {
    return keep(miss, miss.esbuild.buildSync({ entryPoints: [entry], absWorkingDir: ROOT, ...BUILD, write: false, metafile: true, logLevel: 'silent' }), config, name);
  } catch {
    return remember(miss.key, null);
  }
}

/**
 * cachedBundle with each of our files' `import.meta.url` replaced by its own URL (the CLI finds
 * package.json and the sweep worker's entry beside its sources).
 * @param {string} entry
 * @param {string} name
 * @returns {Promise<import('./bundle-cache.d.mts').Bundle>}
 */
export async function cachedBundleWithUrls(entry, name) {
  const config = JSON.stringify({ ...BUILD, plugins: PLUGINS });
  const miss = lookup(entry, name, config);
  if ('found' in miss) return miss.found;
  try {
    return keep(miss, await miss.esbuild.build({ entryPoints: [entry], absWorkingDir: ROOT, ...BUILD, plugins: [metaUrl], write: false, metafile: true, logLevel: 'silent' }), config, name);
  } catch {
    return remember(miss.key, null);
  }
}

/** @param {string} key @param {import('./bundle-cache.d.mts').Bundle} bundle */
function remember(key, bundle) {
  inMemory.set(key, bundle);
  return bundle;
}

/**
 * Bundles are replaced, never rewritten: one written over a day ago is loaded by no process still
 * starting (a manifest that goes is rebuilt).
 * @param {string} name
 */
function pruneOldBundles(name) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  const ours = new RegExp(`^${name}-[0-9a-f]{16}\\.(cjs|json)$`);
  for (const file of readdirSync(CACHE_DIR)) {
    if (!ours.test(file)) continue;
    try {
      if (statSync(join(CACHE_DIR, file)).mtimeMs < dayAgo) rmSync(join(CACHE_DIR, file));
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
