import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as semver from "semver";
import { PROJECT_ROOT } from "../../tools/offline/harness";

/**
 * The Node.js versions package.json's `engines` admits are ones every installed dependency supports,
 * so `npm ci` prints no EBADENGINE on them, and the README and CI state the same minimum, but for
 * the dependencies named here with the reason they run on the whole range anyway.
 */
const RUNS_ON_OUR_RANGE: Record<string, string> = {
  // 3.0.0, its only published version, declares Node 22; the whole suite and CI run it on Node 20.
  "aws-local-stepfunctions": "exercised on Node 20 by tests/local and tests/infra/state-machine.test.ts",
};

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), "utf8");
const ours = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;

interface Installed {
  path: string;
  version: string;
  node: string;
}

/** Every package the lock file installs (nested copies too) that is on disk and names a Node range. */
function installedEngines(): Installed[] {
  const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages)
    .filter((path) => path !== "" && existsSync(join(PROJECT_ROOT, path, "package.json")))
    .map((path) => {
      const manifest = JSON.parse(read(join(path, "package.json"))) as {
        version: string;
        engines?: { node?: unknown };
      };
      return { path, version: manifest.version, node: manifest.engines?.node };
    })
    .filter((entry): entry is Installed => typeof entry.node === "string");
}

describe("the Node.js version the project needs", () => {
  it("package.json's engines.node admits only versions every installed dependency supports", () => {
    const installed = installedEngines();
    assert.ok(installed.length > 100, `found only ${installed.length} packages with engines.node`);
    const unsupported = installed
      .filter(
        ({ path, node }) =>
          !semver.subset(ours, node) && !(path.replace(/^.*node_modules\//, "") in RUNS_ON_OUR_RANGE),
      )
      .map(({ path, version, node }) => `${path.replace(/^.*node_modules\//, "")}@${version} needs ${node}`);
    assert.deepEqual(
      unsupported,
      [],
      `engines.node "${ours}" admits versions these dependencies do not support:\n${unsupported.join("\n")}`,
    );
  });

  it("the README and .ci/run state the minimum engines.node admits", () => {
    const minimum = semver.minVersion(ours)!;
    for (const file of ["README.md", ".ci/run"]) {
      const stated = /Node\.js ≥ (\d+(?:\.\d+){0,2})/.exec(read(file))?.[1];
      assert.ok(stated, `${file} names no "Node.js ≥ <version>"`);
      assert.equal(
        semver.coerce(stated)!.version,
        minimum.version,
        `${file} says Node.js ≥ ${stated}; package.json's engines.node "${ours}" starts at ${minimum.version}`,
      );
    }
  });
});
