// ESLint (flat config): typescript-eslint's recommended rules on lib/, bin/, test/, stacks/
// and scripts/. Layering and import cycles are checked by dependency-cruiser
// (.dependency-cruiser.cjs, `npm run lint:deps`); formatting by prettier (`npm run format:check`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'dist-*/', '.dist-*/', 'coverage/', 'node_modules/', 'lib/imports/', 'test/consumer/project/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring to omit, required callback parameters)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `import x = require('…')` is how TypeScript imports a CommonJS `export =`
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // tests and the kubectl client read untyped YAML/JSON output (kubectl answers, rendered manifests)
    files: ['test/**/*.ts', 'lib/cluster/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // expected YAML is matched with its indentation spelled out
    files: ['test/**/*.ts'],
    rules: { 'no-regex-spaces': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
