import tseslint from 'typescript-eslint';

const pureCore = ['src/policy/**', 'src/calendar/**', 'src/schedule/**', 'src/compliance/**', 'src/records/**', 'src/absence/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.scratch/**', 'manifest/build/**', 'test-results/**', 'devTools/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Errors the product raises carry a stable code (src/errors.ts).
    files: ['src/**/*.ts', 'bot/**/*.ts'],
    ignores: ['src/local-graph/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ThrowStatement > NewExpression[callee.name='Error']", message: 'Throw a SupervisionError (src/errors.ts) with a code.' }],
    },
  },
  {
    // The domain core is pure: no IO, no clock, no platform.
    files: pureCore,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/graph/**', '**/server/**', '**/local-graph/**', '**/jobs/**', '**/bot/**', '**/tab/**', '**/cli/**'], message: 'The pure core must not depend on shells.' },
            { group: ['node:fs', 'node:fs/*', 'fs', 'node:http', 'node:https', 'node:net', 'node:child_process', 'better-sqlite3', 'express'], message: 'The pure core does no IO.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Pass the time in (asOf/now); the core never reads the clock.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'The core never reads the environment.' }],
    },
  },
  {
    files: ['test/**', 'scripts/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
