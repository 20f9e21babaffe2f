// The workspace's tests: `unit` for *.spec.ts (no infrastructure), `integration` for
// *.int-spec.ts (real Kafka and PostgreSQL, started by scripts/infra/up.sh), and `isolated` for
// *.isolated-spec.ts: tests that read a shared topic with a service's own consumers (the
// normalizer crash test) and so must not run while other tests publish to it; scripts/test.sh
// runs them after the others, one at a time.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/]/g, '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2022',
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  setupFiles: ['<rootDir>/jest.setup.js'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.infra/', '<rootDir>/.data/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/jest.integration-setup.js'],
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'isolated',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.isolated-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/jest.integration-setup.js'],
      slowTestThreshold: 120,
    },
  ],
};
