import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/*
 * The arrows between folders, each folder named for where its code may run:
 *   core/ (numerics, contract/, service/)  pure: anywhere (utility process, Web Worker, CLI, tests)
 *   node/, cli/, bench/                    Node: may import core/
 *   main/                                  Electron: the only importer of `electron`; may import core/ and node/
 *   renderer/                              browser: may import core/
 * main and renderer never import each other. test/eslint-arrows.test.ts shows each rule failing.
 */
const folder = (name) => `(^|/)${name}/`;
const restrict = (message, ...patterns) => patterns.map((regex) => ({ regex, message }));
const noElectron = { name: 'electron', message: 'Only main/ may import electron.' };

/** Imports every runtime-specific folder forbids (electron), plus its own. */
const arrows = (...patterns) => ({ 'no-restricted-imports': ['error', { paths: [noElectron], patterns }] });

const ARROWS = {
  core: arrows(
    ...restrict(
      'core/ is pure TypeScript: no Node, DOM, Electron or React imports, and nothing from main/, renderer/, node/ or cli/.',
      '^(node:|fs$|path$|os$|child_process$|worker_threads$|electron$|react)',
      folder('main'),
      folder('renderer'),
      folder('node'),
      folder('cli'),
    ),
  ),
  renderer: arrows(
    ...restrict('renderer/ runs in the browser: it may import core/ (contracts included), never main/, node/ or cli/.', folder('main'), folder('node'), folder('cli'), '^node:'),
  ),
  main: {
    'no-restricted-imports': [
      'error',
      { patterns: restrict('main/ never imports renderer/ or cli/: shared code lives under core/.', folder('renderer'), folder('cli')) },
    ],
  },
  node: arrows(...restrict('node/, cli/ and bench/ are Node code: never main/ or renderer/.', folder('main'), folder('renderer'))),
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'core/wasm/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [noElectron] }],
      // zod's named `z` export is a namespace object bundlers cannot shake: every locale and the
      // JSON-schema converters come along (a sweep worker's bundle 652 KB → 292 KB without it, its
      // load in a new thread ~45 → ~24 ms).
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']", message: "Import zod as `import * as z from 'zod'` (the named `z` export bundles all of zod)." },
      ],
    },
  },
  { files: ['core/**/*.ts'], languageOptions: { globals: {} }, rules: ARROWS.core },
  { files: ['node/**/*.ts', 'cli/**/*.ts', 'bench/**/*.ts'], rules: ARROWS.node },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, ...ARROWS.renderer },
  },
  { files: ['main/**/*.ts', 'electron.config.ts'], rules: ARROWS.main },
);
