// The jest run Stryker uses (npm run mutate): the unit tests of the verdict core only, transpiled without
// type checks (the typescript checker rejects ill-typed mutants before they run).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }] },
  testMatch: [
    '<rootDir>/test/checker/*.test.ts',
    '<rootDir>/test/fleet-domain-group.test.ts',
    '<rootDir>/test/checks/*.test.ts',
    '<rootDir>/test/domain/*.test.ts',
    '<rootDir>/test/fixes/*.test.ts',
  ],
  // Not snapshot-builder.test.ts: its incremental-build equivalence tests take ~20 s per mutant they cover.
  testPathIgnorePatterns: ['/node_modules/', '\\.dc\\.test\\.ts$', '\\.e2e\\.test\\.ts$', '/dist/', '/snapshot-builder\\.test\\.ts$'],
};
