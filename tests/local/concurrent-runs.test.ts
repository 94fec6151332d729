import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocalPipeline, type LocalRunOptions } from "../../local/run/pipeline";

const ROOT = join(__dirname, "..", "..");

function options(runsRoot: string, lines: string[]): LocalRunOptions {
  return {
    dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
    configPath: join(ROOT, "config", "ml-pipeline-config.json"),
    approval: "approve",
    runsRoot,
    log: (line) => lines.push(line),
  };
}

describe("runs sharing a runs folder", function () {
  this.timeout(240_000);

  it("two runs started together: the second waits, each gets its own folder, the registry keeps both versions", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "concurrent-"));
    const [first, second] = [[] as string[], [] as string[]];
    const results = await Promise.all([
      runLocalPipeline(options(runsRoot, first)),
      runLocalPipeline(options(runsRoot, second)),
    ]);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["released", "released"],
    );
    assert.notEqual(results[0].runDir, results[1].runDir);
    assert.ok(
      second.some((line) =>
        /^Another run \(pid \d+, since .*\) is using .* this one waits for it \(at most 1800 s\)\.$/.test(
          line,
        ),
      ),
    );
    const registry = JSON.parse(readFileSync(join(runsRoot, "model-registry.json"), "utf8")) as {
      packages: { version: number; status: string }[];
    };
    assert.deepEqual(
      registry.packages.map((p) => [p.version, p.status]),
      [
        [1, "Approved"],
        [2, "Approved"],
      ],
    );
    assert.equal(existsSync(join(runsRoot, "run.lock")), false, "the lock is released");
  });

  it("a lock left by a process that is gone is taken over, and says so", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "stale-"));
    writeFileSync(
      join(runsRoot, "run.lock"),
      JSON.stringify({ pid: 2 ** 22 + 7, since: "2026-11-29T00:00:00Z" }),
    );
    const lines: string[] = [];
    const result = await runLocalPipeline({ ...options(runsRoot, lines), approval: "reject" });
    assert.equal(result.outcome, "rejected");
    assert.ok(
      lines.some((line) =>
        /^Taking over a stale lock in .* \(pid 4194311\): its process 4194311 is gone\.$/.test(line),
      ),
    );
  });
});
