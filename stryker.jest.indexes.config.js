// The jest run of `npm run mutate:indexes`: the domain model's own tests only (test/domain, without the
// incremental builder's equivalence tests). Every test of the core builds snapshots, so with the whole core
// suite each surviving SPN-table or snapshot mutant ran ~900 tests: about one mutant a minute, six hours a file.
const base = require('./stryker.jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['<rootDir>/test/domain/*.test.ts'] };
