import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalRunResult } from "../../local/run/types";
import type { ModelPackage } from "../../local/aws/state";

/**
 * A run that is stopped never crashes and never releases: Ctrl-C (which a terminal sends to the
 * whole process group, Python children included) during the canary prints the Interrupted line and
 * records the run as interrupted with the exit code the process ends with; SIGTERM to npm (what CI
 * runners and `docker stop` send) stops the run before approval.
 */

const ROOT = join(__dirname, "..", "..");

class Started {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    for (const stream of [child.stdout!, child.stderr!])
      stream.on("data", (chunk: Buffer) => this.output.push(...chunk.toString().split("\n")));
    this.exited = new Promise((done) =>
      child.on("exit", (code, signal) => done(code ?? (signal ? -1 : null))),
    );
  }

  async until(pattern: RegExp, timeoutMs = 90_000): Promise<void> {
    for (let waited = 0; !this.output.some((line) => pattern.test(line)); waited += 20) {
      if (waited > timeoutMs) throw new Error(`waited for ${pattern}:\n${this.output.join("\n")}`);
      if (this.child.exitCode !== null) throw new Error(`exited early:\n${this.output.join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function results(runsRoot: string): LocalRunResult[] {
  return readdirSync(runsRoot)
    .filter((name) => /^\d{8}-/.test(name) && existsSync(join(runsRoot, name, "result.json")))
    .map((name) => JSON.parse(readFileSync(join(runsRoot, name, "result.json"), "utf8")) as LocalRunResult);
}

/** The registry's packages; none when the run stopped before registering one. */
const registry = (runsRoot: string): ModelPackage[] =>
  existsSync(join(runsRoot, "model-registry.json"))
    ? (
        JSON.parse(readFileSync(join(runsRoot, "model-registry.json"), "utf8")) as {
          packages: ModelPackage[];
        }
      ).packages
    : [];

describe("interrupted runs", function () {
  this.timeout(120_000);

  it("Ctrl-C to the process group during the canary: the Interrupted line, exit 130, recorded as such, nothing released", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "interrupt-"));
    // A slow canary (each request past the latency budget), so the signal lands in it.
    const run = new Started(
      spawn(
        process.execPath,
        ["local/start.js", "--approve", "--simulate-canary-fault", "latency", "--runs", runsRoot],
        { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] },
      ),
    );
    await run.until(/^ {2}approval /);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-run.child.pid!, "SIGINT");
    assert.equal(await run.exited, 130, run.output.join("\n"));
    const text = run.output.join("\n");
    assert.match(
      text,
      /^Interrupted: stopping local services and workers… \(run recorded as interrupted in /m,
    );
    assert.doesNotMatch(text, /EPIPE|Unhandled|^\s+at /m, "no crash, no stack trace");
    const [result] = results(runsRoot);
    assert.equal(result.outcome, "interrupted");
    assert.equal(result.exitCode, 130);
    assert.equal(result.failedState, "prod rollout");
    assert.ok(existsSync(join(result.runDir, "report.html")));
    assert.match(readFileSync(join(runsRoot, "index.html"), "utf8"), /<tr class="run interrupted">/);
    assert.deepEqual(
      registry(runsRoot).map((p) => [p.status, p.statusReason]),
      [["Rejected", "the run was interrupted by SIGINT during prod rollout"]],
    );
  });

  it("SIGTERM to npm after data prep: the run stops before approval and releases nothing", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "supervisor-"));
    const npm = spawn("npm", ["start", "--", "--approve", "--runs", runsRoot], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const run = new Started(npm);
    await run.until(/^ {4}PrepareData /);
    npm.kill("SIGTERM");
    await run.exited;
    // The run goes on in its own process until it finds npm gone; wait for its record.
    for (let waited = 0; results(runsRoot).length === 0 || !results(runsRoot)[0].exitCode; waited += 100) {
      if (waited > 30_000) throw new Error(`no result:\n${run.output.join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    const [result] = results(runsRoot);
    assert.equal(result.outcome, "interrupted", result.message);
    // npm may pass its SIGTERM on before it goes (143), or the run finds it gone first (129).
    assert.ok([129, 143].includes(result.exitCode), `exit code ${result.exitCode}: ${result.message}`);
    assert.ok(!registry(runsRoot).some((p) => p.status === "Approved"), "nothing was released");
  });
});
