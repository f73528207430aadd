// Lint for src/, dialogs/, test/, bench/ and scripts/ (run by `npm test`): typescript-eslint's type-checked
// recommended rules, and no import cycles between files (import-x/no-cycle). Each tsconfig.json that holds a
// file gives it its types (projectService); test/lint.test.ts proves the cycle rule still fires.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'bench/work/', 'test/artifacts/', 'devTools/', 'data/', 'test/fixtures/lint/', '.stryker-tmp/', 'reports/']),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // Without the extensions and the parser, import-x does not read .ts dependencies and finds no cycle.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      // The house way to drop a field is `const { field: _field, ...rest } = x`; a leading _ marks it unused.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The few plain CommonJS files (the CLI entry, the install check, jest's config): no types to check.
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
