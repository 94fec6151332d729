"use strict";
/**
 * The order mocha hands test files to its parallel workers: the longest first, by each file's wall time
 * in the last run that ran it (tests/setup.ts records them), files never timed before everything else.
 * Workers given the longest files last finish with one of them idle while the other runs them;
 * longest first is how Jest orders its runs too. Times live under node_modules/.cache, like the other
 * caches of a checkout.
 */
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join, relative, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..", "..");
const TIMES_DIR = join(ROOT, "node_modules", ".cache", "mlops", "test-file-times");

/** Remembers how long `file` took; one small file per test file, written aside and renamed. */
function recordFileTime(file, ms, timesDir = TIMES_DIR) {
  const name = relative(ROOT, resolve(ROOT, file));
  const path = join(timesDir, `${createHash("sha1").update(name).digest("hex")}.json`);
  mkdirSync(timesDir, { recursive: true });
  writeFileSync(`${path}.${process.pid}`, JSON.stringify({ file: name, ms: Math.round(ms) }));
  renameSync(`${path}.${process.pid}`, path);
}

/** The recorded times, by path relative to the root; an unreadable record is no record. */
function fileTimes(timesDir = TIMES_DIR) {
  const times = new Map();
  let entries;
  try {
    entries = readdirSync(timesDir).filter((name) => name.endsWith(".json"));
  } catch {
    return times; // nothing recorded yet
  }
  for (const entry of entries) {
    try {
      const { file, ms } = JSON.parse(readFileSync(join(timesDir, entry), "utf8"));
      if (typeof file === "string" && typeof ms === "number") times.set(file, ms);
    } catch {
      // torn or foreign: ignored
    }
  }
  return times;
}

/** Every `*.test.ts` under `dir` (relative to the root), longest first, untimed ones before all. */
function longestFirst(dir, times = fileTimes()) {
  const files = readdirSync(join(ROOT, dir), { recursive: true })
    .filter((file) => file.endsWith(".test.ts"))
    .map((file) => join(dir, file))
    .sort();
  const time = (file) => times.get(file) ?? Infinity;
  return files.sort((a, b) => time(b) - time(a));
}

module.exports = { fileTimes, longestFirst, recordFileTime };
