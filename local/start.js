"use strict";
/**
 * `npm start`: local mode from one bundled file.
 *
 * Through ts-node, a start would spend longer loading TypeScript and transpiling local mode's modules
 * than the run spends on its ML work. esbuild bundles the same sources in a fraction of that into
 * `node_modules/.cache/mlops/local/cli.js` (packages stay `require`s of node_modules), and the bundle is
 * reused until a source it was built from changes (size or modification time), esbuild's version
 * changes, or the checkout moves. Like ts-node's transpile-only mode it does not type-check:
 * `npm test` does.
 */
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { basename, dirname, join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const ENTRY = join(ROOT, "local", "cli.ts");
const OUT_DIR = join(ROOT, "node_modules", ".cache", "mlops", "local");

/** What a bundle was built from: each source's size and modification time, esbuild's version, the root. */
function stamp(files) {
  return {
    esbuild: require("esbuild/package.json").version,
    root: ROOT,
    files: Object.fromEntries(
      files.map((file) => {
        const stats = statSync(join(ROOT, file), { throwIfNoEntry: false });
        return [file, stats ? `${stats.size}:${stats.mtimeMs}` : "missing"];
      }),
    ),
  };
}

function isFresh(bundle, manifestPath) {
  if (!existsSync(bundle) || !existsSync(manifestPath)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    return JSON.stringify(stamp(Object.keys(manifest.files))) === JSON.stringify(manifest);
  } catch {
    return false;
  }
}

/**
 * Each module's `__dirname` and `__filename` are its source's, as under ts-node: local mode finds its
 * Python scripts, the ETL code and the config next to its own files.
 */
const sourcePaths = {
  name: "source-paths",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      loader: "ts",
      contents: readFileSync(args.path, "utf8")
        .replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path)))
        .replace(/\b__filename\b/g, JSON.stringify(args.path)),
    }));
  },
};

async function build(entry, bundle, manifestPath) {
  const esbuild = require("esbuild");
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    outfile: bundle,
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: "silent",
    plugins: [sourcePaths],
  });
  mkdirSync(dirname(bundle), { recursive: true });
  // Each file is written beside its name and renamed: a concurrent start never loads half a bundle.
  for (const file of result.outputFiles) {
    writeFileSync(`${file.path}.${process.pid}`, file.contents);
    renameSync(`${file.path}.${process.pid}`, file.path);
  }
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.includes("node_modules/"));
  writeFileSync(manifestPath, JSON.stringify(stamp(sources)));
}

/**
 * The bundle of `entry` (a TypeScript file under the project root) in `outDir`, built when it is
 * missing or stale. Returns its path; rejects with esbuild's error when a source does not compile.
 */
async function bundleOf(entry, outDir) {
  const bundle = join(outDir, basename(entry).replace(/\.ts$/, ".js"));
  const manifestPath = `${bundle}.manifest.json`;
  if (!isFresh(bundle, manifestPath)) await build(entry, bundle, manifestPath);
  return bundle;
}

/** esbuild's own message for a source it cannot compile (file, line, what is wrong), then exit 2. */
function reportBuildFailure(error) {
  const messages = error && Array.isArray(error.errors) ? error.errors : [];
  for (const { text, location } of messages)
    console.error(
      `error: ${location ? `${location.file}:${location.line}:${location.column}: ` : ""}${text}`,
    );
  if (messages.length === 0) console.error(`error: cannot bundle local mode: ${error && error.message}`);
  process.exit(2);
}

module.exports = { bundleOf };

if (require.main === module)
  bundleOf(ENTRY, OUT_DIR).then((bundle) => {
    process.setSourceMapsEnabled(true);
    // V8's compiled code for the bundle and the packages it loads, kept between starts (otherwise each
    // start compiles the AWS SDK, zod and the rest again).
    process.env.V8_COMPILE_CACHE_CACHE_DIR ??= join(ROOT, "node_modules", ".cache", "mlops", "v8");
    require("v8-compile-cache");
    require(bundle);
  }, reportBuildFailure);
