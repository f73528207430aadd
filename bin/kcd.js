#!/usr/bin/env node
// The compiled CLI (npm install / npm ci build it through the `prepare` script).
// A reader that goes away (`kcd scan --json | head`) is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit();
  throw err;
});
// Exits as soon as the output is flushed: after a fleet scan the process holds a few hundred MB of directory
// data, and letting Node wind down on its own (sockets, heap) adds tens of milliseconds to every run.
require('../dist/src/cli/main.js')
  .main()
  .then(() => process.stdout.write('', () => process.stderr.write('', () => process.exit())));
