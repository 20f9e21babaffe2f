import nx from '@nx/eslint-plugin';

/**
 * Architecture as lint rules. Layers (type:*) may only depend downwards:
 *   app → platform, feature, domain, data-access, contracts, util
 *   platform (runtime) → data-access, contracts, util
 *   feature (one service's logic) → feature-support, domain, data-access, contracts, util
 *   feature-support (what several services' logic shares) → domain, data-access, contracts, util
 *   domain (connectors) → contracts, util
 *   data-access (messaging, persistence) → contracts, util
 *   contracts (event-schema) → util;   util (config) → util
 * A service's feature lib is only used by its own app (scope:<service>) and the embedded
 * launcher; `type:testing` is only imported from tests (the override below).
 */
const layers = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:platform', 'type:feature', 'type:domain', 'type:data-access', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature-support', 'type:domain', 'type:data-access', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:feature-support', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
];
const scopes = [
  'instance-service',
  'webhook-ingest',
  'poller',
  'normalizer',
  'notifier',
].map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'] }));
const boundaries = (extraForTests) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: false,
    allow: [],
    // A test-only cycle: connectors' specs use the provider fakes, and the fakes speak the
    // connectors' types. Production code in connectors never imports testing (the layer rules
    // above forbid it), so the cycle cannot reach a running service.
    ignoredCircularDependencies: [['connectors', 'testing']],
    depConstraints: [
      ...layers.map((rule) => ({
        ...rule,
        onlyDependOnLibsWithTags: [...rule.onlyDependOnLibsWithTags, ...extraForTests],
      })),
      ...scopes,
      { sourceTag: 'scope:embedded', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '.infra/**', '.data/**', '.nx/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      // A promise nobody awaits is how at-least-once quietly becomes at-most-once.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.isolated-spec.ts', 'test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing']) },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { 'no-console': 'off' },
  },
];
