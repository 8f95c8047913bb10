// ESLint flat config: typescript-eslint's strict and stylistic type-aware rules over the TypeScript
// (types from tsconfig.json through the project service), formatting left to Prettier, and the
// workflow sandbox boundary checked as a rule.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Workflow code runs in Temporal's deterministic sandbox: no Node modules, no I/O, nothing with side effects. */
const WORKFLOW_SANDBOX_IMPORTS = {
  patterns: [
    {
      // Anything but the workflow SDK, its common types, sandbox-safe helpers, sibling workflow modules
      // (./definitions.js, ...) and the pure domain modules.
      regex: String.raw`^(?!(@temporalio/workflow|@temporalio/common|async-mutex|\./[\w.-]+\.js|\.\./domain/[\w.-]+\.js)$)`,
      // Types vanish at compile time: workflows may name activity and API types.
      allowTypeImports: true,
      message:
        'Workflow code is bundled into the deterministic sandbox: import only @temporalio/workflow, @temporalio/common, async-mutex, ./ workflow modules and ../domain/*. Do I/O in an activity (import its type only).',
    },
  ],
};

/** Domain modules are imported by workflows, so they stay pure: no Node built-ins and nothing from the rest of src. */
const PURE_DOMAIN_IMPORTS = {
  patterns: [
    {
      regex: String.raw`^(node:|\.\./)`,
      allowTypeImports: true,
      message: 'src/domain is pure (workflows import it): no Node built-ins and no imports from outside src/domain.',
    },
  ],
};

export default defineConfig(
  {
    ignores: ['node_modules/', '.data/', '.tools/', 'test-results/', 'test/workflows/histories/', 'coverage/', 'bench-results/'],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // From strictTypeChecked, the rules that find real mistakes (dead branches, spreading an array
      // or Headers into an object, deprecated SDK options) without restyling working code. The rest
      // of strict (no non-null assertions, braces around every void arrow) would rewrite hundreds of
      // lines for no change in behaviour.
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/no-misused-spread': 'error',
      '@typescript-eslint/no-deprecated': 'error',
      // `let x; handler(() => x); x = ...`: a handler may read x before it is assigned (the workflow's
      // JOIN waits for `joined`), so it cannot become a const declared at the assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `const { dropped, ...kept } = row` is how a field is left out of an object.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // afterAll guards (`stack?.stop()`) run even when beforeAll failed before assigning the `let`;
      // TypeScript's view of the variable cannot see that.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Tests read response bodies loosely on purpose (`json()` returns any) and check their shape
      // with expect(); typing every body would restate the API's schemas in each test.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // No-op stubs (`onnotice: () => {}`, a swallowed cleanup error) are how a test says "ignore this".
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    // Plain JavaScript (this file, scripts/*.mjs) is outside tsconfig.json: no type information for it.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', WORKFLOW_SANDBOX_IMPORTS] },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', PURE_DOMAIN_IMPORTS] },
  },
  prettier,
);
