"use strict";
const { availableParallelism } = require("node:os");

// Test files run in parallel worker processes, at least two even on a 2-core machine: much of the
// suite waits on child processes (Python training, npm, the policy packs' runners), so two workers
// keep both cores busy. `--jobs N` on the command line overrides it; `--no-parallel` runs serially.
module.exports = {
  require: ["ts-node/register", "tests/setup.ts"],
  extension: ["ts"],
  spec: ["tests/**/*.test.ts"],
  timeout: 60000,
  recursive: true,
  parallel: true,
  jobs: Math.max(2, availableParallelism()),
};
