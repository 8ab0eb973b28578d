#!/usr/bin/env node
// `npm run typecheck`: TypeScript over every tsconfig, one `tsc -p` each (they differ in lib and
// types, so no single project can stand for them). core/tsconfig.json has no DOM lib and no Node
// types: it is what keeps DOM and Node globals out of core/ (ESLint's no-restricted-imports in
// eslint.config.js keeps out the imports). A tsconfig that is missing is a failure, not a skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TSCONFIGS = ['core/tsconfig.json', 'tsconfig.json', 'main/tsconfig.json', 'renderer/tsconfig.json'];

/** Type-checks one project; false if it is missing or has errors. */
export function typecheck(root, project) {
  if (!existsSync(join(root, project))) {
    console.error(`typecheck: ${project} is missing`);
    return false;
  }
  console.log(`\n$ tsc -p ${project} --noEmit`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const failed = TSCONFIGS.filter((p) => !typecheck(root, p));
  console.log(failed.length ? `typecheck failed: ${failed.join(', ')}` : `typecheck: ${TSCONFIGS.length} projects clean`);
  process.exit(failed.length ? 1 : 0);
}
