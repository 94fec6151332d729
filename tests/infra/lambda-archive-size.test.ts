import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CapturedResource } from "../../tools/offline/harness";
import {
  archiveAssets,
  archiveBytes,
  LOAD_HANDLER,
  unpackArchive,
  type ArchiveAssets,
} from "../../tools/offline/lambda-archive";
import { RUNTIME_PROVIDED } from "../../infra/shared/lambda-code";
import { offline, ofType } from "../helpers/offline";

/**
 * Each function's archive holds its serialized closure and only the packages that closure requires
 * (the AWS SDK comes from the runtime), within a size budget; and it loads with nothing else, the way
 * the nodejs22.x runtime loads it. A new import that drags in a package, or a package that grows past
 * the budget, fails here.
 */

const ROOT = join(__dirname, "..", "..");
const BUDGET_BYTES = 5 * 1024 * 1024;
const POWERTOOLS = [
  "@aws-lambda-powertools/commons",
  "@aws-lambda-powertools/logger",
  "@aws/lambda-invoke-store",
];
/** Each function's packages besides the runtime's SDK: what its closure requires, and their dependencies. */
const PACKAGES: Record<string, string[]> = {
  "mlops-microservice": [...POWERTOOLS, "zod"],
  "mlops-prod-microservice": [...POWERTOOLS, "zod"],
  "mlops-controller": [...POWERTOOLS, "zod"],
  "mlops-pipeline-runner": [...POWERTOOLS, "zod"],
  "mlops-test-runner": [...POWERTOOLS, "zod"],
  "mlops-data-trigger": [...POWERTOOLS, "zod"],
  "mlops-push-filter": [...POWERTOOLS, "balanced-match", "brace-expansion", "minimatch", "zod"],
  "mlops-drift-retrain-trigger": [...POWERTOOLS, "zod"],
};

const packageOf = (path: string) => {
  const parts = path.split("/");
  return parts[1].startsWith("@") ? `${parts[1]}/${parts[2]}` : parts[1];
};

/** Packages the serialized closure requires (the runtime's SDK aside). */
const closureRequires = (assets: ArchiveAssets) =>
  [...assets["__index.js"].asset!.text!.matchAll(/require\("([^"./][^"]*)"\)/g)]
    .map((m) => (m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0]))
    .filter((name) => !RUNTIME_PROVIDED.test(name) && !builtinModules.includes(name));

/** The archive unpacked alone, the SDK on NODE_PATH as /var/runtime/node_modules is: does it load? */
function loadsAlone(fn: CapturedResource): { status: number | null; stderr: string } {
  const task = mkdtempSync(join(tmpdir(), `${fn.name}-`));
  try {
    const runtime = unpackArchive(fn, task, ROOT);
    const variables = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)
      ?.variables;
    const run = spawnSync(process.execPath, LOAD_HANDLER, {
      cwd: task,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...variables, NODE_PATH: runtime },
    });
    return { status: run.status, stderr: run.stderr };
  } finally {
    rmSync(task, { recursive: true, force: true });
  }
}

describe("Lambda archives: only what each closure needs, within budget", function () {
  this.timeout(240_000);

  for (const stack of ["test", "prod"] as const) {
    it(`${stack}: every archive is at most 5 MB unzipped and holds exactly its listed packages`, async () => {
      const functions = ofType(await offline({ stack }), "aws:lambda/function:Function");
      assert.ok(functions.length > 0);
      for (const fn of functions) {
        const assets = archiveAssets(fn);
        const expected = PACKAGES[fn.name];
        assert.ok(expected, `${fn.name} has no package list in this test`);
        const packed = [
          ...new Set(
            Object.keys(assets)
              .filter((p) => p.startsWith("node_modules/"))
              .map(packageOf),
          ),
        ];
        assert.deepEqual(packed.sort(), [...expected].sort(), `${fn.name}'s packages`);
        for (const name of closureRequires(assets))
          assert.ok(packed.includes(name), `${fn.name} requires ${name}`);
        const bytes = archiveBytes(assets, ROOT);
        assert.ok(bytes <= BUDGET_BYTES, `${fn.name}: ${(bytes / 1048576).toFixed(2)} MB unzipped`);
      }
    });
  }

  it("each archive loads on its own, with only the runtime's SDK beside it", async () => {
    const functions = ofType(await offline({ stack: "test" }), "aws:lambda/function:Function");
    for (const fn of functions) {
      const { status, stderr } = loadsAlone(fn);
      assert.equal(status, 0, `${fn.name}: ${stderr}`);
    }
  });
});
