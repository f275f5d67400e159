// ESLint flat config (kept in .config/ so the top level stays as the design card fixes it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'http',
  'url',
  'stream',
];
const nativeAndShell = ['electron', 'sharp', 'better-sqlite3'];

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', 'tests/output/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // shared/ is pure: it runs in the renderer, in worker threads and in the CLI alike.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                ...nativeAndShell,
                'react',
                'react-*',
                'konva',
                '**/main/**',
                '**/renderer/**',
              ],
              message: 'shared/ imports nothing from Node, Electron, the DOM libraries, main/ or renderer/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nativeAndShell, '**/main/**'],
              message: 'renderer/ talks to the Node side only through the API client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', '**/electron/**', '**/web/**', '**/renderer/**'],
              message:
                'main/services/ is shared by Electron, the HTTP bridge and the CLI: it must not import electron or a transport.',
            },
          ],
        },
      ],
    },
  },
);
