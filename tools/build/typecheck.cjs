"use strict";
/**
 * `npm run typecheck`: `tsc --noEmit` for a project, skipped when none of its inputs changed since it
 * last passed. tsc's own incremental mode re-checks only what changed but still parses every file
 * (@pulumi/aws alone brings thousands of declaration files); `tsc -b` skips an unchanged project but
 * misses a changed dependency's typings. The inputs here are every file the last passing check read
 * (the project's sources, every declaration file under node_modules, TypeScript's own lib files, by
 * size and modification time), the tsconfig, the lock file and the list of the project's sources (a
 * new or deleted file runs the check): as eslint's and prettier's caches skip unchanged files.
 *
 *     node tools/build/typecheck.cjs [project dir]
 */
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const TSC = require.resolve("typescript/bin/tsc");

/** The project's own sources: every .ts under the tsconfig's include folders. */
function projectSources(root) {
  const { include = [] } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
  return include.flatMap((dir) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir), { recursive: true })
          .filter((file) => /\.(c|m)?ts$/.test(file) && !file.includes("node_modules"))
          .map((file) => join(root, dir, file))
      : [],
  );
}

/** Every input (the tsconfig, the lock file, the project's sources and `files`) with its stats. */
function inputsOf(root, files) {
  const all = [
    join(root, "tsconfig.json"),
    join(root, "package-lock.json"),
    ...projectSources(root),
    ...files,
  ];
  return [...new Set(all)].sort().map((file) => [file, statSync(file, { throwIfNoEntry: false })]);
}

/** One digest of the inputs: each file's path, size and modification time. */
function digestOf(inputs) {
  const hash = createHash("sha256");
  for (const [file, stats] of inputs)
    hash.update(`${file}\0${stats ? `${stats.size}:${stats.mtimeMs}` : "missing"}\n`);
  return hash.digest("hex");
}

function readStamp(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function typecheck(root) {
  const stampPath = join(root, "node_modules", ".cache", "mlops", "typecheck.json");
  const stamp = readStamp(stampPath);
  if (stamp && stamp.digest === digestOf(inputsOf(root, stamp.files))) {
    console.log(`typecheck: no input changed since the last passing check (${stamp.files.length} files)`);
    return 0;
  }
  const started = Date.now();
  const run = spawnSync(process.execPath, [TSC, "--noEmit", "--listFiles", "-p", root], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // --listFiles names every file the check read, one absolute path a line, beside the diagnostics.
  const lines = run.stdout.split("\n");
  const files = lines.filter((line) => line.startsWith("/") && existsSync(line));
  const read = new Set(files);
  const diagnostics = lines.filter((line) => line && !read.has(line)).join("\n");
  if (diagnostics) process.stdout.write(`${diagnostics}\n`);
  if (run.stderr) process.stderr.write(run.stderr);
  if (run.status !== 0) return run.status ?? 1;
  const inputs = inputsOf(root, files);
  // A file edited while tsc ran may not be what it checked: no record, so the next run checks again.
  if (inputs.some(([, stats]) => stats && stats.mtimeMs > started)) return 0;
  mkdirSync(join(root, "node_modules", ".cache", "mlops"), { recursive: true });
  writeFileSync(stampPath, JSON.stringify({ digest: digestOf(inputs), files }));
  return 0;
}

process.exitCode = typecheck(resolve(process.argv[2] ?? join(__dirname, "..", "..")));
