// Mutation testing of the snapshot's indexes (src/domain/spn-table.ts, snapshot.ts) against test/domain alone
// (see stryker.jest.indexes.config.js). A survivor here may still be killed by the checker's tests, so the score
// is a lower bound. Own incremental file and reports: the test set differs from stryker.config.json's.
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(new URL('./stryker.config.json', import.meta.url), 'utf8'));
delete base._comment;

export default {
  ...base,
  jest: { ...base.jest, configFile: 'stryker.jest.indexes.config.js' },
  mutate: ['src/domain/spn-table.ts', 'src/domain/snapshot.ts'],
  incrementalFile: 'reports/stryker-incremental-indexes.json',
  jsonReporter: { fileName: 'reports/mutation-indexes/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation-indexes/mutation.html' },
};
