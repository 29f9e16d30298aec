import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Layers (README, Layout): plumbing and the record model import no feature; features use each other
// only through services. A new upward import fails lint here.
const features = [
  'accounts',
  'admin',
  'agreements',
  'api',
  'areas',
  'briefing',
  'cases',
  'collation',
  'context',
  'coroners',
  'dashboard',
  'ldis',
  'organisations',
  'reminders',
  'retention',
  'returns',
  'uploads',
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
  // Migrations are frozen in time: they must not depend on today's table types (Kysely's advice).
  { files: ['migrations/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
