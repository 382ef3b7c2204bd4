// Lint and layering rules (`npx eslint .`, run by `npm test`). The layering of ARCHITECTURE.md is
// enforced here: the pure folders import no edge, the edges import no other edge, nothing imports cli/.
// Import cycles are checked by `npm run lint:cycles` (madge), also part of `npm test`.
import tseslint from 'typescript-eslint';

const EDGES = { server: '**/server/**', cli: '**/cli/**', client: '**/client/**', io: '**/io/**' };
// A folder's index.ts is its public surface: from outside, analysis/ and questionnaires/ are imported
// through it. (The browser app is excepted: it imports the engine's modules one by one so that its
// bundle does not pull in the XLSForm reader and exceljs through the index.)
const SURFACES = ['analysis', 'sampling', 'questionnaires'];
const surface = (n) => ({
  regex: `(^|/)${n}/(?!(.*/)?index\\.js$).+`,
  message: `import ${n}/ through its public surface, ${n}/index.js (or a subfolder's index.js)`,
});
const forbid = (...names) => {
  const own = names.includes('$self') ? names.find((n) => n.startsWith('self:'))?.slice(5) : undefined;
  const edges = names.filter((n) => EDGES[n]);
  const surfaces = names.includes('surfaces') ? SURFACES.filter((n) => n !== own) : [];
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...edges.map((n) => ({
            group: [EDGES[n], `../${n}/*`, `../../${n}/*`, `./${n}/*`],
            message: `this folder may not import ${n}/ (see ARCHITECTURE.md: dependencies point one way)`,
          })),
          ...surfaces.map(surface),
        ],
      },
    ],
  };
};

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
  { files: ['common/**'], rules: forbid('server', 'cli', 'client', 'io', 'surfaces') },
  ...SURFACES.map((n) => ({ files: [`${n}/**`], rules: forbid('server', 'cli', 'client', 'io', 'surfaces', '$self', `self:${n}`) })),
  { files: ['io/**'], rules: forbid('server', 'cli', 'client', 'surfaces') },
  { files: ['cli/**'], rules: forbid('client', 'surfaces') },
  {
    files: ['server/**'],
    ignores: ['server/queries/**', 'server/db/**'],
    rules: {
      ...forbid('cli', 'client', 'surfaces'),
      // All SQL lives in the query modules (server/queries, one per table or concept) and the database layer.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query']",
          message: 'SQL belongs in server/queries/ (a query module per table or concept); call a function from there',
        },
      ],
    },
  },
  { files: ['server/queries/**', 'server/db/**'], rules: forbid('cli', 'client', 'surfaces') },
  { files: ['client/**'], rules: forbid('server', 'cli', 'io') },
  { files: ['tests/**', 'bench/**', 'examples/**', 'scripts/**'], rules: { ...forbid('cli'), '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly', setTimeout: 'readonly' },
    },
  },
);
