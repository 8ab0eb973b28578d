// The folder arrows (eslint.config.js) are rules, not conventions: each forbidden import is shown
// failing lint, and each allowed one passing, on text linted as if it sat in that folder.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: { from: string; spec: string; allowed: boolean }[] = [
  { from: 'renderer/src/state/x.ts', spec: '../../../main/electron-main/store', allowed: false },
  { from: 'renderer/src/state/x.ts', spec: '../../../node/kernel-threads', allowed: false },
  { from: 'renderer/src/state/x.ts', spec: 'electron', allowed: false },
  { from: 'renderer/src/state/x.ts', spec: 'node:fs', allowed: false },
  { from: 'renderer/src/state/x.ts', spec: '../../../core/contract/protocol', allowed: true },
  { from: 'renderer/src/x.ts', spec: './main', allowed: true }, // renderer/src/main.tsx is a file, not the folder
  { from: 'main/electron-main/x.ts', spec: '../../renderer/src/state/store', allowed: false },
  { from: 'main/electron-main/x.ts', spec: '../../cli/nnlab', allowed: false },
  { from: 'main/electron-main/x.ts', spec: 'electron', allowed: true },
  { from: 'main/electron-main/x.ts', spec: '../../core/contract/protocol', allowed: true },
  { from: 'core/contract/x.ts', spec: '../../main/electron-main/store', allowed: false },
  { from: 'core/service/x.ts', spec: '../../renderer/src/state/store', allowed: false },
  { from: 'core/x.ts', spec: '../node/kernel-threads', allowed: false },
  { from: 'core/x.ts', spec: 'node:fs', allowed: false },
  { from: 'core/x.ts', spec: 'react', allowed: false },
  { from: 'core/service/x.ts', spec: '../contract/protocol', allowed: true },
  { from: 'cli/x.ts', spec: '../main/electron-main/store', allowed: false },
  { from: 'node/x.ts', spec: '../renderer/src/state/store', allowed: false },
  { from: 'cli/x.ts', spec: 'electron', allowed: false },
  { from: 'cli/x.ts', spec: '../core/index', allowed: true },
];

describe('lint keeps zod a namespace import (the named `z` export bundles all of zod)', () => {
  const zodErrors = async (file: string, source: string) => {
    const [result] = await eslint.lintText(source, { filePath: file });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  for (const from of ['core/x.ts', 'main/electron-main/x.ts', 'renderer/src/x.ts', 'node/x.ts', 'test/x.test.ts']) {
    it(`${from}: import { z } is refused, import * as z is not`, async () => {
      expect(await zodErrors(from, `import { z } from 'zod';\nexport const y = z.string();\n`)).toHaveLength(1);
      expect(await zodErrors(from, `import * as z from 'zod';\nexport const y = z.string();\n`)).toEqual([]);
    });
  }
});

describe('lint enforces the arrows between folders', () => {
  for (const { from, spec, allowed } of cases) {
    it(`${from} ${allowed ? 'may' : 'may not'} import ${spec}`, async () => {
      const errors = await importErrors(from, `import { x } from '${spec}';\nexport const y = x;\n`);
      if (allowed) expect(errors).toEqual([]);
      else expect(errors.length).toBe(1);
    });
  }
});
