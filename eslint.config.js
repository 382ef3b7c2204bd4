// Lint and layering rules (`npx eslint .`, run by `npm test`). The layering of ARCHITECTURE.md is
// enforced here: the pure folders import no edge, the edges import no other edge, nothing imports cli/.
// Import cycles are checked by `npm run lint:cycles` (madge), also part of `npm test`.
import tseslint from 'typescript-eslint';

const EDGES = { server: '**/server/**', cli: '**/cli/**', client: '**/client/**', io: '**/io/**' };
const forbid = (...names) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: names.map((n) => ({ group: [EDGES[n], `../${n}/*`, `../../${n}/*`, `./${n}/*`], message: `this folder may not import ${n}/ (see ARCHITECTURE.md: dependencies point one way)` })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'client/dist/**', 'coverage/**', 'screenshots/**', 'bench/out/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Tests parse JSON answers of the API and poke at internals: `any` is allowed there only (see below).
      '@typescript-eslint/no-explicit-any': 'error',
      'no-template-curly-in-string': 'off',
    },
  },
  { files: ['common/**', 'questionnaires/**', 'sampling/**', 'analysis/**'], rules: forbid('server', 'cli', 'client', 'io') },
  { files: ['io/**'], rules: forbid('server', 'cli', 'client') },
  {
    files: ['server/**'],
    ignores: ['server/queries/**', 'server/db/**'],
    rules: {
      ...forbid('cli', 'client'),
      // All SQL lives in the query modules (server/queries, one per table or concept) and the database layer.
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='query']", message: 'SQL belongs in server/queries/ (a query module per table or concept); call a function from there' }],
    },
  },
  { files: ['server/queries/**', 'server/db/**'], rules: forbid('cli', 'client') },
  { files: ['client/**'], rules: forbid('server', 'cli', 'io') },
  { files: ['tests/**', 'bench/**', 'examples/**', 'scripts/**'], rules: { ...forbid('cli'), '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly', setTimeout: 'readonly' } } },
);
