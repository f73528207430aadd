// Three projects: `unit` needs nothing but Node; `dc` runs against a real Samba AD DC that its
// globalSetup provisions on loopback (test/ad-lab/) and its globalTeardown stops; `e2e` drives the
// Microsoft 365 Agents Playground in headless Chromium (its globalSetup installs Debian's chromium when
// missing, see test/e2e/). `npm test` runs all three; `npm run test:unit` runs only `unit`.
// npm run mutate copies the project into .stryker-tmp/: not a second copy of the modules for jest.
const STRYKER_SANDBOX = ['<rootDir>/.stryker-tmp/'];
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.dc\\.test\\.ts$', '\\.e2e\\.test\\.ts$', '/dist/'],
      modulePathIgnorePatterns: STRYKER_SANDBOX,
    },
    {
      displayName: 'dc',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.dc.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      modulePathIgnorePatterns: STRYKER_SANDBOX,
      globalSetup: '<rootDir>/test/ad-lab/global-setup.ts',
      globalTeardown: '<rootDir>/test/ad-lab/global-teardown.ts',
      testTimeout: 300000,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.e2e.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      modulePathIgnorePatterns: STRYKER_SANDBOX,
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      testTimeout: 180000,
    },
  ],
};
