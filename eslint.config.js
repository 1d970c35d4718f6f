// ESLint for the TypeScript and JavaScript sources: typescript-eslint with type information (the
// tsconfig.json project), and import-x/no-cycle, so that no module imports itself back through
// others (the CLI's commands once imported their own registry). Every rule turned off or down
// below says why. Formatting is prettier's (.prettierrc.json), never ESLint's.
import js from '@eslint/js';
import { createNodeResolver, flatConfigs as importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'cdktf.out/', '.tools/', 'checks/.build/', 'coverage/', 'test/fixtures/', 'bench/results/', '**/*.d.mts', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // vitest.config.ts is outside tsconfig.json's folders: typed with the default project.
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX.recommended.plugins['import-x'] },
    settings: {
      // Dependencies are parsed as TypeScript too (else no-cycle cannot follow them).
      'import-x/extensions': importX.typescript.settings['import-x/extensions'],
      'import-x/external-module-folders': importX.typescript.settings['import-x/external-module-folders'],
      'import-x/parsers': importX.typescript.settings['import-x/parsers'],
      // Sources import each other as ./x.js (NodeNext): resolve that to the .ts beside it.
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.mts', '.js', '.mjs', '.json'], extensionAlias: { '.js': ['.ts', '.js'], '.mjs': ['.mts', '.mjs'] } }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Unused bindings are errors, but a leading underscore says "unused on purpose" (it.each's
      // name argument, a destructured field left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Template literals format numbers, booleans and nulls in messages on purpose; objects
      // and arrays stay errors (they print as [object Object]).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // Control characters are matched on purpose: checks/errors.ts printable() escapes them in
      // every message (a hostile file name cannot move the terminal's cursor), tests look for
      // ANSI escapes and bells that must not be there.
      'no-control-regex': 'off',
      // A user error is one line naming file, JSON path and problem, the cause's text folded in
      // (checks/errors.ts); the cause object is not carried, so that no stack or secret-bearing
      // value of a parser's error can reach output. NHI_GUARD_DEBUG=1 prints the stack.
      'preserve-caught-error': 'off',
    },
  },
  {
    // Tests read parsed JSON documents of the CLI's output by their schema, with `any` where the
    // schema test (checks/schemas) already proved the shape: the unsafe-* rules would only make
    // them cast the same value again.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript outside tsconfig.json (bin/ launchers, this file): no type information.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' },
    },
  },
);
