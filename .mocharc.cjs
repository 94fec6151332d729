"use strict";
const { availableParallelism } = require("node:os");
const { longestFirst } = require("./tools/build/file-order.cjs");

// Test files run in parallel worker processes, at least two even on a 2-core machine: much of the
// suite waits on child processes (Python training, npm, the policy packs' runners), so two workers
// keep both cores busy. `--jobs N` on the command line overrides it; `--no-parallel` runs serially.
// Files are handed out longest first (tools/build/file-order.cjs).
module.exports = {
  require: ["ts-node/register", "tests/setup.ts"],
  extension: ["ts"],
  spec: longestFirst("tests"),
  timeout: 60000,
  recursive: true,
  parallel: true,
  jobs: Math.max(2, availableParallelism()),
};
