// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https'];

/**
 * Where each kind of code may run; the folders enforce the architecture.
 * @param {string[]} patterns
 * @param {string} message
 * @returns {import('eslint').Linter.RulesRecord}
 */
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Codes, ids and anything security-relevant use crypto randomness.
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use crypto.getRandomValues / node:crypto.' },
      ],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: restrict(
      [...nodeBuiltins, 'electron', 'react', 'socket.io', 'socket.io-client', '../*'],
      'Contracts are pure TypeScript shared by every runtime: import only zod and other contracts.',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        [...nodeBuiltins, 'electron', 'socket.io', '../../signaling/*', '../../electron/*'],
        'The renderer reaches Node and Electron only through the Host interface.',
      ),
    },
  },
  {
    files: ['renderer/src/engine/**/*.ts'],
    rules: restrict(
      [...nodeBuiltins, 'electron', 'react', 'react-dom', 'zustand', '**/features/*', '**/ui/*'],
      'The P2P engine is free of React and UI: it reports through the actions it is given.',
    ),
  },
  {
    files: ['signaling/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: restrict(
      ['electron', 'react', '**/renderer/*', '**/electron/*'],
      'The signaling service is plain Node.',
    ),
  },
  {
    files: [
      'electron/main/**/*.ts',
      'electron/preload/**/*.ts',
      'electron/headless/**/*.ts',
      'e2e/**/*.ts',
      'scripts/**/*.mjs',
      '*.config.{js,ts}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'e2e/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['electron/headless/**/*.ts'],
    rules: restrict(['electron'], 'The headless runtime runs where the Electron binary is missing.'),
  },
  {
    files: ['scripts/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
);
