#!/usr/bin/env node
// The compiled CLI (npm install / npm ci build it through the `prepare` script).
require('../dist/src/cli/main.js').main();
