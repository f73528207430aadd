// Four projects: `unit` needs nothing but Node; `dc` runs against a real Samba AD DC that its
// globalSetup provisions on loopback (test/ad-lab/) and its globalTeardown stops; `e2e` drives the
// Microsoft 365 Agents Playground in headless Chromium (its globalSetup installs Debian's chromium when
// missing, see test/e2e/); `deploy` installs the production package from the npm registry as the
// Dockerfile does and starts it (and builds the image where a container engine runs). `npm test` runs all
// four; `npm run test:unit` runs only `unit`.
// npm run mutate copies the project into .stryker-tmp/: not a second copy of the modules for jest.
const STRYKER_SANDBOX = ['<rootDir>/.stryker-tmp/'];
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }];

/** A project: its name, the test files it runs, and what else it sets (globalSetup, timeouts). */
const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  testMatch: [testMatch],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: STRYKER_SANDBOX,
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit', '<rootDir>/test/**/*.test.ts', {
      testPathIgnorePatterns: ['/node_modules/', '\\.dc\\.test\\.ts$', '\\.e2e\\.test\\.ts$', '\\.deploy\\.test\\.ts$', '/dist/'],
    }),
    project('dc', '<rootDir>/test/**/*.dc.test.ts', {
      globalSetup: '<rootDir>/test/ad-lab/global-setup.ts',
      globalTeardown: '<rootDir>/test/ad-lab/global-teardown.ts',
      testTimeout: 300000,
    }),
    project('e2e', '<rootDir>/test/**/*.e2e.test.ts', { globalSetup: '<rootDir>/test/e2e/global-setup.ts', testTimeout: 180000 }),
    project('deploy', '<rootDir>/test/**/*.deploy.test.ts'),
  ],
};
