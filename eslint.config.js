import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Layers (README, Layout): plumbing and the record model import no feature; features use each other
// only through services, and only downward. `features` is the one declaration of that order: a feature
// may import the features listed before it, never one after it, and never another feature's repository
// (its service is the public face; repositories are plain functions that service composes).
// The order, lowest first, is what the import map draws; a new upward import fails lint here.
const features = [
  'agreements',
  'areas',
  'ldis',
  'context',
  'organisations',
  'accounts',
  'your-organisation',
  'collation',
  'coroners',
  'cases',
  'returns',
  'dashboard',
  'briefing',
  'reminders',
  'uploads',
  'retention',
  'admin',
  'api',
];
// Kysely's query builders start with these.
const queryStarts = [
  'selectFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
  'selectNoFrom',
];
const noFeatures = (...extra) => [
  'error',
  {
    patterns: [
      {
        group: [...features.map((f) => `**/${f}/*`), ...extra],
        message:
          'A plain folder (db, lib, mail, audit, jobs, domain, records, middleware, settings) imports no feature.',
      },
    ],
  },
];
const featureOrder = features.map((feature, i) => ({
  files: [`src/${feature}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...(i + 1 < features.length
            ? [
                {
                  group: features.slice(i + 1).map((f) => `**/${f}/*`),
                  message: `${feature} may import only the features before it in eslint.config.js's \`features\` (move what is shared down, or pass it in).`,
                },
              ]
            : []),
          {
            group: features.filter((f) => f !== feature).map((f) => `**/${f}/repository*`),
            message:
              "Use the other feature's service (or a function it exports taking db | trx), not its repository.",
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'src/assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['scripts/**', 'bench/**', 'src/server.ts', 'src/cli/**'], rules: { 'no-console': 'off' } },
  {
    files: [
      'src/db/**',
      'src/lib/**',
      'src/mail/**',
      'src/audit/**',
      'src/jobs/**',
      'src/records/**',
      'src/middleware/**',
      'src/settings/settings.ts',
    ],
    rules: { 'no-restricted-imports': noFeatures() },
  },
  // Pure rules: no I/O, so no database, mail or framework either.
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': noFeatures(
        '**/db/*',
        '**/mail/*',
        '**/middleware/*',
        'express',
        'kysely',
        'pg',
      ),
    },
  },
  ...featureOrder,
  // SQL lives in repositories (Kysely's example app): a feature's services orchestrate and call plain
  // functions taking db | trx. Every feature module now keeps to it; there are no exceptions.
  {
    files: features.map((f) => `src/${f}/**`),
    ignores: ['src/**/*repository.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `CallExpression[callee.property.name=/^(${queryStarts.join('|')})$/]`,
          message: "SQL lives in the feature's repository: call a function there (taking db | trx).",
        },
        {
          selector: "TaggedTemplateExpression[tag.name='sql']",
          message: "SQL lives in the feature's repository: call a function there (taking db | trx).",
        },
      ],
    },
  },
  // Routes are thin: they call services and never reach the database themselves (types are fine).
  {
    files: ['src/**/*routes.ts', 'src/**/routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/*', 'kysely', 'pg'],
              allowTypeImports: true,
              message: 'Routes never touch the database: call a service.',
            },
          ],
        },
      ],
    },
  },
  // Migrations are frozen in time: they must not depend on today's table types (Kysely's advice).
  { files: ['migrations/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
