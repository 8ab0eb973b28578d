#!/usr/bin/env node
// Electronegativity over the Electron app: the main-process sources (main/, where every BrowserWindow,
// session and IPC handler is) and the renderer page as built (for its CSP). Fails on any HIGH or
// MEDIUM finding, on any file the scanner could not parse (a skipped file is not a clean file), and
// on any `eng-disable` comment that does not say why: the only accepted suppression is
//   … // eng-disable CHECK_ID because <reason of three words or more>
// Runs offline: the Electron version is given, so the scanner does not look it up.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;

mkdirSync(join(root, 'out'), { recursive: true });
const work = mkdtempSync(join(root, 'out', 'electronegativity-'));
let failures = 0;
const fail = (line) => {
  failures++;
  console.log(`FAIL  ${line}`);
};

try {
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build', '-c', 'electron.config.ts', '--outDir', join(work, 'build'), '--logLevel', 'error'], {
    cwd: root,
    stdio: 'inherit',
  });
  const scan = join(work, 'scan');
  cpSync(join(root, 'main'), join(scan, 'main'), { recursive: true, filter: (src) => !src.endsWith('tsconfig.json') });
  cpSync(join(work, 'build', 'renderer', 'index.html'), join(scan, 'renderer', 'index.html'));

  // The scanner's translations are fetched over the network; offline it says so on stderr and carries on.
  const quiet = console.log;
  console.log = () => {};
  let result;
  try {
    result = await run({ input: scan, isRelative: true, electronVersionOverride: electronVersion, customScan: [], excludeFromScan: [] });
  } finally {
    console.log = quiet;
  }

  const files = [];
  const walk = (d) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
  walk(scan);
  const scanned = files.filter((f) => /\.(ts|js|html)$/.test(f));
  console.log(`electronegativity ${electronVersion}: ${result.atomicChecks} atomic + ${result.globalChecks} global checks over ${scanned.length} files`);

  for (const e of result.errors) fail(`could not scan ${relative(scan, e.file ?? '')}: ${e.message}`);

  for (const issue of result.issues) {
    const sev = issue.severity?.name ?? String(issue.severity);
    const where = `${issue.file}:${issue.location?.line ?? 0}`;
    if (sev === 'HIGH' || sev === 'MEDIUM') fail(`${sev} ${issue.id} at ${where}: ${issue.description}`);
    else console.log(`note  ${sev} ${issue.id} at ${where}`);
  }

  // Every suppression must carry its reason.
  for (const f of scanned) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = line.match(/eng-disable\s+((?:[A-Z_]+_CHECK[\s,]*)+)(.*)$/);
        if (!line.includes('eng-disable')) return;
        const reason = m?.[2]?.replace(/^because\s+/, '').trim() ?? '';
        if (!m || reason.split(/\s+/).filter(Boolean).length < 3) fail(`${relative(scan, f)}:${i + 1}: eng-disable without a reason ("… eng-disable CHECK_ID because <why>")`);
        else console.log(`ok    ${relative(scan, f)}:${i + 1}: ${m[1].trim()} — ${reason}`);
      });
  }
  if (scanned.length < 10) fail(`only ${scanned.length} files scanned; expected main/ and the renderer page`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(failures ? `${failures} electronegativity problem(s)` : 'electronegativity: no HIGH or MEDIUM findings left unexplained');
process.exit(failures ? 1 : 0);
