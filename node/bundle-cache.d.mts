/** A bundle on disk, bundled code to run from memory, or none (no esbuild, or it failed). */
export type Bundle = { file: string } | { code: string } | null;

export const CACHE_DIR: string;

/** The module at `entry` (a path) and its imports as one CommonJS script, kept on disk under `name`. */
export function cachedBundle(entry: string, name: string): Bundle;

/** cachedBundle with each source file's `import.meta.url` replaced by that file's own URL. */
export function cachedBundleWithUrls(entry: string, name: string): Promise<Bundle>;
